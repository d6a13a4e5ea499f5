import NIOCore

/// The client's opening handshake request (RFC 6455 §4.1), built once per run: only the key
/// differs between connections, so each connection copies the fixed parts around a fresh key
/// instead of formatting strings.
struct UpgradeRequest: Sendable {
    private let head: [UInt8]
    private let tail: [UInt8]

    init(target: BenchTarget) {
        let host = target.hostHeader
        head = Array(
            "GET \(target.resource) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ".utf8)
        tail = Array("\r\nOrigin: http://\(host)\r\n\r\n".utf8)
    }

    /// Appends the request with a fresh key to `buffer`, and puts the `Sec-WebSocket-Accept` the
    /// server must answer with in `accept` (`HandshakeKey.acceptLength` bytes).
    func write(into buffer: inout ByteBuffer, random: inout FastRandom, accept: inout [UInt8]) {
        buffer.writeBytes(head)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: HandshakeKey.keyLength) { key in
            accept.withUnsafeMutableBytes { HandshakeKey.make(random: &random, key: key, accept: $0) }
            return HandshakeKey.keyLength
        }
        buffer.writeBytes(tail)
    }
}
