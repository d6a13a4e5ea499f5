/// A fresh `Sec-WebSocket-Key` (16 random bytes in base64) and the `Sec-WebSocket-Accept` the
/// server must answer with (RFC 6455 §4.2.2), written into caller-owned bytes: churn makes one
/// per connection, and a key reused across connections would not test the server's hashing.
enum HandshakeKey {
    static let keyLength = 24
    static let acceptLength = 28
    private static let guid: StaticString = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Fills `key` (24 bytes) and `accept` (28 bytes).
    static func make(random: inout FastRandom, key: UnsafeMutableRawBufferPointer, accept: UnsafeMutableRawBufferPointer) {
        var nonce = (random.next(), random.next())
        withUnsafeBytes(of: &nonce) { Base64.encode($0, into: key) }
        withUnsafeTemporaryAllocation(byteCount: keyLength + 36, alignment: 8) { joined in
            joined.copyMemory(from: UnsafeRawBufferPointer(rebasing: key[0..<keyLength]))
            guid.withUTF8Buffer { UnsafeMutableRawBufferPointer(rebasing: joined[keyLength...]).copyMemory(from: UnsafeRawBufferPointer($0)) }
            withUnsafeTemporaryAllocation(byteCount: 20, alignment: 8) { digest in
                SHA1.digest(UnsafeRawBufferPointer(joined), into: digest)
                Base64.encode(UnsafeRawBufferPointer(digest), into: accept)
            }
        }
    }
}
