/// SHA-1 (FIPS 180-4), only for `Sec-WebSocket-Accept` (RFC 6455 §4.2.2): the server's answer
/// in `LoopUpgrade`, the generator's check of it in churn.
///
/// NIOWebSocket has one, but it is internal; this is the textbook algorithm, not for security.
/// Both hash once per connection, so the core works on a caller's buffer and a stack block,
/// with no array allocated per hash.
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        message.withUnsafeBytes { source in out.withUnsafeMutableBytes { digest(source, into: $0) } }
        return out
    }

    /// Writes the 20-byte digest of `message` to the start of `out`.
    static func digest(_ message: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        let bitLength = UInt64(message.count) * 8
        let blocks = (message.count + 8) / 64 + 1
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
                for index in 0..<blocks {
                    // The block's bytes: message, then 0x80, zeros, and the length in the last 8.
                    for offset in 0..<64 {
                        let position = index * 64 + offset
                        var byte: UInt8 = position < message.count ? message[position] : position == message.count ? 0x80 : 0
                        if index == blocks - 1 && offset >= 56 { byte = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * (63 - offset))) }
                        block[offset] = byte
                    }
                    compress(&h, block: UnsafeBufferPointer(block), w: w)
                }
            }
        }
        for (index, word) in [h.0, h.1, h.2, h.3, h.4].enumerated() {
            for byte in 0..<4 { out[index * 4 + byte] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * byte)) }
        }
    }

    private static func compress(
        _ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), block: UnsafeBufferPointer<UInt8>, w: UnsafeMutableBufferPointer<UInt32>
    ) {
        for i in 0..<16 {
            let j = i * 4
            w[i] = UInt32(block[j]) << 24 | UInt32(block[j + 1]) << 16 | UInt32(block[j + 2]) << 8 | UInt32(block[j + 3])
        }
        for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
        var (a, b, c, d, e) = h
        for i in 0..<80 {
            let f: UInt32
            let k: UInt32
            switch i {
            case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
            case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
            case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
            default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
            }
            let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
            (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
