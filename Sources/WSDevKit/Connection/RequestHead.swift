#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1

/// A connection's first request head, read straight from its bytes (RFC 9112 §2-5), so that the
/// connection's route is chosen before any HTTP machinery is built for it.
///
/// What is read here decides only where the connection goes: a WebSocket handshake is answered
/// from it, and anything else is replayed byte for byte into NIO's HTTP decoder, which reads it
/// again. Heads that are not well-formed HTTP/1.x are refused here, as the decoder would.
package enum RequestHead {
    /// Longest head accepted; a longer one is answered 431 (RFC 6585 §5).
    package static let maxLength = 32 << 10

    package enum Read {
        /// The head has not all arrived yet.
        case incomplete
        /// The head, and how many bytes it took (its blank line included).
        case complete(HTTPRequestHead, length: Int)
        /// Not HTTP/1.x, and why.
        case invalid(String)
        case tooLarge
    }

    package static func read(_ buffer: ByteBuffer) -> Read {
        buffer.withUnsafeReadableBytes { bytes in
            var reader = Reader(bytes: bytes)
            let read = reader.head()
            if case .incomplete = read, bytes.count > maxLength { return .tooLarge }
            if case .complete(_, let length) = read, length > maxLength { return .tooLarge }
            return read
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var at = 0

        /// Thrown when the bytes run out before the head does.
        private struct Incomplete: Error {}

        mutating func head() -> Read {
            do {
                // A client may send an empty line before its request (RFC 9112 §2.2); a lone
                // CR at the end of the bytes so far may be the start of one, not an error.
                while try expect("\r\n") {}
                let method = try token()
                guard method.count > 0 else { return .invalid("the request line does not start with a method") }
                guard try byte() == 0x20 else { return .invalid("the request line has no space after its method") }
                let targetStart = at
                while try peekByte() > 0x20, try peekByte() < 0x7F { at += 1 }
                guard at > targetStart, try byte() == 0x20 else { return .invalid("the request target is missing or has characters HTTP does not allow") }
                let uri = string(targetStart..<(at - 1))
                let version: HTTPVersion
                if try expect("HTTP/1.1\r\n") {
                    version = .http1_1
                } else if try expect("HTTP/1.0\r\n") {
                    version = .http1_0
                } else {
                    return .invalid("the request line does not end with HTTP/1.1 or HTTP/1.0")
                }
                var fields: [(String, String)] = []
                fields.reserveCapacity(8)
                while try !expect("\r\n") {
                    guard let field = try field() else { return .invalid("a header line is malformed (a space before the colon, a folded line, or a character HTTP does not allow)") }
                    fields.append(field)
                }
                return .complete(HTTPRequestHead(version: version, method: HTTPMethod(rawValue: method), uri: uri, headers: HTTPHeaders(fields)), length: at)
            } catch {
                return .incomplete
            }
        }

        /// `name: value\r\n`, the value without the white space around it; nil when malformed.
        private mutating func field() throws -> (String, String)? {
            let nameBytes = try tokenRange()
            guard !nameBytes.isEmpty, try byte() == UInt8(ascii: ":") else { return nil }
            let name = Self.known(UnsafeRawBufferPointer(rebasing: bytes[nameBytes])) ?? string(nameBytes)
            while try peekByte() == 0x20 || peekByte() == 0x09 { at += 1 }
            let valueStart = at
            var valueEnd = at
            while try peekByte() != UInt8(ascii: "\r") {
                let byte = try byte()
                // Visible ASCII, obs-text (UTF-8 from a browser's User-Agent or a name), SP, HTAB.
                guard byte >= 0x20 && byte != 0x7F || byte == 0x09 else { return nil }
                if byte != 0x20, byte != 0x09 { valueEnd = at }
            }
            guard try expect("\r\n") else { return nil }
            return (name, string(valueStart..<valueEnd))
        }

        /// Names too long for Swift's inline strings that handshakes and browsers send, spelled as
        /// they send them. A WebSocket's head is kept for as long as it is open, so each name
        /// taken from here is an allocation fewer per request and per held connection.
        private static let knownNames: [String] = [
            "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol",
            "Upgrade-Insecure-Requests", "If-Modified-Since", "sec-ch-ua-platform", "sec-ch-ua-mobile",
        ]

        private static func known(_ name: UnsafeRawBufferPointer) -> String? {
            guard name.count > 15 else { return nil }  // shorter ones are stored inline anyway
            for known in knownNames where known.utf8.count == name.count {
                // Literals are contiguous: a memcmp, not a generic walk over the view.
                if known.utf8.withContiguousStorageIfAvailable({ memcmp($0.baseAddress!, name.baseAddress!, name.count) == 0 }) == true {
                    return known
                }
            }
            return nil
        }

        private mutating func token() throws -> String {
            string(try tokenRange())
        }

        /// Consumes a token (possibly empty) and says where it lies.
        private mutating func tokenRange() throws -> Range<Int> {
            let start = at
            while Self.isToken(try peekByte()) { at += 1 }
            return start..<at
        }

        private func peekByte() throws -> UInt8 {
            guard at < bytes.count else { throw Incomplete() }
            return bytes[at]
        }

        private mutating func byte() throws -> UInt8 {
            let byte = try peekByte()
            at += 1
            return byte
        }

        /// Consumes `literal` if it is next; false if something else is; throws if the bytes run
        /// out before they can tell.
        private mutating func expect(_ literal: StaticString) throws -> Bool {
            let count = literal.utf8CodeUnitCount
            for i in 0..<min(count, bytes.count - at) where bytes[at + i] != literal.utf8Start[i] { return false }
            guard bytes.count - at >= count else { throw Incomplete() }
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
