import NIOCore
import NIOEmbedded
import NIOHTTP1
import WSDevKit

/// `RequestHead.read` decides every connection's route from its first bytes, so beyond not
/// crashing it must not depend on how TCP cut those bytes, must be final once it says invalid,
/// and must read a head as NIO's decoder does, since that decoder reads the same bytes again
/// on the HTTP route.
enum RequestHeadHarness {
    static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        switch read(bytes) {
        case .complete(let head, let length):
            require(length > 0 && length <= bytes.count && length <= RequestHead.maxLength, "length \(length) of \(bytes.count) bytes")
            require(bytes[length - 2] == 0x0D && bytes[length - 1] == 0x0A, "a head must end with its blank line")
            for cut in cuts(length) {
                guard case .incomplete = read(Array(bytes[..<cut])) else {
                    return require(false, "the first \(cut) bytes of a complete head were not read as incomplete")
                }
            }
            checkFields(head)
            compareWithNIO(head, Array(bytes[..<length]))
        case .incomplete:
            require(bytes.count <= RequestHead.maxLength, "incomplete past the limit instead of tooLarge")
            for cut in cuts(bytes.count) {
                guard case .incomplete = read(Array(bytes[..<cut])) else {
                    return require(false, "a prefix of an incomplete head was not incomplete")
                }
            }
        case .invalid:
            // What was refused stays refused, whatever arrives after it.
            guard case .invalid = read(bytes + Array("\r\n\r\n".utf8)) else { return require(false, "an invalid head became valid with more bytes") }
        case .tooLarge:
            require(bytes.count > RequestHead.maxLength, "tooLarge for \(bytes.count) bytes")
        }
    }

    private static func read(_ bytes: [UInt8]) -> RequestHead.Read {
        RequestHead.read(ByteBuffer(bytes: bytes))
    }

    /// Places TCP might cut the bytes: one short of the end, the middle, and a spread of others.
    private static func cuts(_ length: Int) -> [Int] {
        guard length > 1 else { return [] }
        return Set([length - 1, length / 2, length / 3, 1] + stride(from: 7, to: length, by: max(7, length / 8))).sorted()
    }

    /// Names are tokens; neither the target nor any value holds CR, LF or NUL.
    private static func checkFields(_ head: HTTPRequestHead) {
        require(!head.uri.isEmpty && !head.uri.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }), "target \(head.uri.debugDescription)")
        for (name, value) in head.headers {
            require(!name.isEmpty && !name.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ":") }), "field name \(name.debugDescription)")
            require(!value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }), "field value \(value.debugDescription)")
        }
    }

    /// When NIO's decoder also reads a head from these bytes, it must be the same head. (Each may
    /// refuse what the other takes: both answers are a 400 to the client.)
    private static func compareWithNIO(_ head: HTTPRequestHead, _ bytes: [UInt8]) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        defer { _ = try? channel.finish() }
        guard (try? channel.writeInbound(ByteBuffer(bytes: bytes))) != nil,
            case .head(let theirs)? = try? channel.readInbound(as: HTTPServerRequestPart.self)
        else { return }
        require(theirs.method == head.method, "method \(head.method) vs NIO's \(theirs.method)")
        require(theirs.uri == head.uri, "target \(head.uri.debugDescription) vs NIO's \(theirs.uri.debugDescription)")
        require(theirs.version == head.version, "version \(head.version) vs NIO's \(theirs.version)")
        // NIO keeps a value's trailing white space, which RFC 9112 §5 says is not part of it.
        let ours = head.headers.map { "\($0.name): \(trimmed($0.value))" }
        let nios = theirs.headers.map { "\($0.name): \(trimmed($0.value))" }
        require(ours == nios, "fields \(ours) vs NIO's \(nios)")
    }

    private static func trimmed(_ value: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(String(value.drop(while: blank).reversed()).drop(while: blank).reversed())
    }
}
