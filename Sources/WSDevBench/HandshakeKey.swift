import WSWire
/// A fresh `Sec-WebSocket-Key` (16 random bytes in base64) and the `Sec-WebSocket-Accept` the
/// server must answer with (RFC 6455 §4.2.2), written into caller-owned bytes: churn makes one
/// per connection, and a key reused across connections would not test the server's hashing.
enum HandshakeKey {
    static let keyLength = 24
    static let acceptLength = AcceptKey.length

    /// Fills `key` (24 bytes) and `accept` (28 bytes).
    static func make(random: inout FastRandom, key: UnsafeMutableRawBufferPointer, accept: UnsafeMutableRawBufferPointer) {
        var nonce = (random.next(), random.next())
        withUnsafeBytes(of: &nonce) { Base64.encode($0, into: key) }
        AcceptKey.write(for: UnsafeRawBufferPointer(rebasing: key[0..<keyLength]), into: accept)
    }
}
