import NIOCore
import NIOHTTP1
import WSWire

/// The 101 that accepts a handshake read on the event loop, as NIO's upgrade handler writes it.
enum SwitchingProtocols {
    /// The handshake's `Upgrade` token, by the test NIO's upgrade handler makes (any
    /// comma-separated token of any `Upgrade` field, trimmed, is "websocket" in any case), so that
    /// every path agrees on what is a WebSocket handshake. Read on bytes: NIO's own form of the
    /// test allocated an array and a lower-cased copy of every token on every connection.
    static func upgradeToken(_ head: HTTPRequestHead) -> String? {
        for (name, value) in head.headers where ASCIICase.equals(name, "upgrade") {
            if let token = webSocketToken(in: value) { return String(token) }
        }
        return nil
    }

    /// The "websocket" token of one `Upgrade` field's value, as written.
    static func webSocketToken(in value: String) -> Substring? {
        let utf8 = value.utf8
        var start = utf8.startIndex
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
            var token = utf8[start..<end]
            while let first = token.first, isWhitespace(first) { token = token.dropFirst() }
            while let last = token.last, isWhitespace(last) { token = token.dropLast() }
            if ASCIICase.equals(token, "websocket") { return Substring(token) }
            guard end < utf8.endIndex else { return nil }
            start = utf8.index(after: end)
        }
    }

    /// NIO's `isASCIIWhitespace`, which its header tokens are trimmed of.
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// A handshake answered on the event loop, with the key its 101 needs: accepted at once. Nil
    /// for any other (refused, or waiting for its endpoint).
    static func onLoop(_ progress: Handshake.Progress, _ head: HTTPRequestHead) -> (accepted: Handshake.Accepted, key: String)? {
        guard case .decided(.accept(let accepted)) = progress, let key = head.headers.first(name: "sec-websocket-key")
        else { return nil }
        return (accepted, key)
    }

    static func response(_ accepted: Handshake.Accepted, upgrade: String, key: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: 160)
        out.writeStaticString("HTTP/1.1 101 Switching Protocols\r\n")
        for field in accepted.responseHeaders {
            out.writeString(field.name.rawName)
            out.writeStaticString(": ")
            out.writeString(field.value)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("Upgrade: ")
        out.writeString(upgrade)
        out.writeStaticString("\r\nSec-WebSocket-Accept: ")
        var key = key
        key.withUTF8 { key in
            _ = out.writeWithUnsafeMutableBytes(minimumWritableBytes: AcceptKey.length) { free in
                AcceptKey.write(for: UnsafeRawBufferPointer(key), into: free)
                return AcceptKey.length
            }
        }
        out.writeStaticString("\r\nConnection: upgrade\r\n\r\n")
        return out
    }
}
