import NIOCore
import NIOHTTP1

/// The 101 that accepts a handshake read on the event loop, as NIO's upgrade handler writes it.
enum SwitchingProtocols {
    /// The handshake's `Upgrade` token, by the test NIO's upgrade handler makes, so that every
    /// path agrees on what is a WebSocket handshake.
    static func upgradeToken(_ head: HTTPRequestHead) -> String? {
        head.headers[canonicalForm: "upgrade"].first(where: { $0.lowercased() == "websocket" }).map(String.init)
    }

    /// A handshake answered on the event loop, with the key its 101 needs: accepted at once, for
    /// an `EventLoopEndpoint`, with no extension. Nil for any other: the standard pipeline takes it.
    static func onLoop(_ progress: Handshake.Progress, _ head: HTTPRequestHead) -> (accepted: Handshake.Accepted, key: String)? {
        guard case .decided(.accept(let accepted)) = progress, accepted.extensions.isEmpty, accepted.endpoint is any EventLoopEndpoint,
            let key = head.headers.first(name: "sec-websocket-key")
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
