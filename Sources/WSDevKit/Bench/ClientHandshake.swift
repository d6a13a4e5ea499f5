import NIOCore

/// The client side of the opening handshake (RFC 6455 §4.1), written by hand: one request out,
/// one `101` in, `Sec-WebSocket-Accept` checked, then the frame handlers take over and this one
/// leaves the pipeline. Bytes that follow the response in the same read go on to the decoder.
///
/// Works on bytes, not Strings: in churn (a handshake per connection) a Foundation-based
/// version of this check cost a quarter of the generator's CPU.
final class ClientHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let request: ByteBuffer
    private let expectedAccept: [UInt8]
    private let installFrameHandlers: (ChannelPipeline.SynchronousOperations) throws -> Void
    private let finished: (Result<Void, any Error>) -> Void
    private var received: ByteBuffer?
    private var done = false
    /// A response head larger than this is not a WebSocket server talking.
    private static let maxHead = 16 * 1024

    init(
        target: BenchTarget,
        random: inout FastRandom,
        installFrameHandlers: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void,
        finished: @escaping (Result<Void, any Error>) -> Void
    ) {
        var nonce = [UInt8](repeating: 0, count: 16)
        for index in nonce.indices { nonce[index] = UInt8(truncatingIfNeeded: random.next()) }
        let key = Base64.encode(nonce)
        expectedAccept = Base64.encode(SHA1.digest(key + Array("258EAFA5-E914-47DA-95CA-C5AB0DC85B11".utf8)))
        var request = ByteBuffer()
        request.writeString("GET \(target.resource) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUpgrade: websocket\r\n")
        request.writeString("Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
        request.writeBytes(key)
        request.writeString("\r\nOrigin: http://\(target.hostHeader)\r\n\r\n")
        self.request = request
        self.installFrameHandlers = installFrameHandlers
        self.finished = finished
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(request), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
        guard var buffer = received else { return }
        guard let end = buffer.readableBytesView.firstRange(of: [13, 10, 13, 10]) else {
            if buffer.readableBytes > Self.maxHead { fail(context, "response head over \(Self.maxHead) bytes") }
            return
        }
        let head = buffer.readBytes(length: end.upperBound - buffer.readerIndex) ?? []
        if let problem = check(head) {
            fail(context, problem)
            return
        }
        done = true
        received = nil
        do {
            try installFrameHandlers(context.pipeline.syncOperations)
        } catch {
            fail(context, "could not install the frame handlers: \(error)")
            return
        }
        if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        finished(.success(()))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { fail(context, "connection closed during the handshake") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done { fail(context, "\(error)") } else { context.fireErrorCaught(error) }
    }

    private func fail(_ context: ChannelHandlerContext, _ reason: String) {
        guard !done else { return }
        done = true
        finished(.failure(BenchError("handshake: \(reason)")))
        context.close(promise: nil)
    }

    /// Nil when the response accepts our upgrade, else what is wrong with it.
    private func check(_ head: [UInt8]) -> String? {
        let lines = head.split(separator: 10, omittingEmptySubsequences: true).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        guard let status = lines.first, status.starts(with: Array("HTTP/1.1 101".utf8)) else {
            return "expected 101 Switching Protocols, got \"\(String(decoding: lines.first ?? [], as: UTF8.self))\""
        }
        var upgrade = false, connection = false, accept = false
        for line in lines.dropFirst() {
            if let value = Self.value(of: "upgrade", in: line) {
                upgrade = Self.lowercased(value) == Array("websocket".utf8)
            } else if let value = Self.value(of: "connection", in: line) {
                connection = Self.lowercased(value).firstRange(of: Array("upgrade".utf8)) != nil
            } else if let value = Self.value(of: "sec-websocket-accept", in: line) {
                accept = Array(value) == expectedAccept
                if !accept { return "Sec-WebSocket-Accept \(String(decoding: value, as: UTF8.self)) is wrong" }
            } else if let value = Self.value(of: "sec-websocket-extensions", in: line) {
                return "server chose extensions we did not offer: \(String(decoding: value, as: UTF8.self))"
            }
        }
        if !upgrade { return "no Upgrade: websocket" }
        if !connection { return "no Connection: Upgrade" }
        return accept ? nil : "no Sec-WebSocket-Accept"
    }

    /// The trimmed value when `line` is the header `name` (ASCII, any case).
    private static func value(of name: StaticString, in line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let count = name.utf8CodeUnitCount
        guard line.count > count, line[line.startIndex + count] == UInt8(ascii: ":") else { return nil }
        let matches = name.withUTF8Buffer { expected in
            zip(line.prefix(count), expected).allSatisfy { $0 | 0x20 == $1 | 0x20 }
        }
        guard matches else { return nil }
        var value = line.dropFirst(count + 1)
        while value.first == 32 || value.first == 9 { value = value.dropFirst() }
        while value.last == 32 || value.last == 9 { value = value.dropLast() }
        return value
    }

    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { (65...90).contains($0) ? $0 | 0x20 : $0 }
    }
}

/// Standard base64 with padding, for the handshake key and accept values.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let value = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(value >> 18 & 63)])
            out.append(alphabet[Int(value >> 12 & 63)])
            out.append(index + 1 < bytes.count ? alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(value & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return out
    }
}
