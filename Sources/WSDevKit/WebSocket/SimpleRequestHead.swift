import NIOCore
import NIOHTTP1

/// A request head that is plainly one, read straight from a connection's first bytes.
///
/// Building NIO's HTTP decoder for every new connection, and removing it again once a WebSocket
/// handshake has been read, cost a short WebSocket more than anything else wsdev adds to NIO's own
/// work (Benchmarks/README.md, "The NIO floor"). Only the plainest heads are read here: `GET`, an
/// origin-form target, HTTP/1.1, header fields of token names and visible-ASCII values, the whole
/// head in this read, and no body. Anything else gives nil, and llhttp reads the bytes as before,
/// so nothing is accepted here that the decoder would refuse.
enum SimpleRequestHead {
    static let maxLength = 8192

    /// The head and how many bytes it took, or nil for anything but the plainest head.
    static func read(_ buffer: ByteBuffer) -> (head: HTTPRequestHead, length: Int)? {
        buffer.withUnsafeReadableBytes { bytes in
            var reader = Reader(bytes: bytes)
            return reader.head()
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var at = 0

        mutating func head() -> (head: HTTPRequestHead, length: Int)? {
            guard expect("GET "), bytes.count > at, bytes[at] == UInt8(ascii: "/") else { return nil }
            let target = at
            while at < bytes.count, bytes[at] > 0x20, bytes[at] < 0x7F { at += 1 }
            let uri = string(target..<at)
            guard expect(" HTTP/1.1\r\n") else { return nil }
            // Collected first and handed over whole: `HTTPHeaders.add` checks each name again
            // (these are tokens already) and grows its storage field by field.
            var fields: [(String, String)] = []
            fields.reserveCapacity(8)
            while true {
                guard at < min(bytes.count, SimpleRequestHead.maxLength) else { return nil }
                if expect("\r\n") { break }
                guard let field = field() else { return nil }
                fields.append(field)
            }
            return (HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders(fields)), at)
        }

        /// `name: value\r\n`; nil for a field that would give the request a body.
        private mutating func field() -> (String, String)? {
            let nameStart = at
            while at < bytes.count, Self.isToken(bytes[at]) { at += 1 }
            guard at > nameStart, at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<at])
            guard !ASCIICase.equals(nameBytes, "content-length"), !ASCIICase.equals(nameBytes, "transfer-encoding") else { return nil }
            let name = string(nameStart..<at)
            at += 1
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x09 { at += 1 }
            let valueStart = at
            var valueEnd = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\r") {
                let byte = bytes[at]
                guard (byte >= 0x20 && byte < 0x7F) || byte == 0x09 else { return nil }
                at += 1
                if byte != 0x20, byte != 0x09 { valueEnd = at }
            }
            guard expect("\r\n") else { return nil }
            return (name, string(valueStart..<valueEnd))
        }

        private mutating func expect(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - at >= count else { return false }
            for i in 0..<count where bytes[at + i] != literal.utf8Start[i] { return false }
            at += count
            return true
        }

        private func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// RFC 9110 §5.6.2 tchar.
        private static func isToken(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
                UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
                UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
            default: false
            }
        }
    }
}
