import NIOCore
import NIOWebSocket

/// RFC 6455 §5.3 masking, eight bytes per step. NIO's own `ByteBuffer.webSocketMask` walks the
/// payload one byte at a time with a `% 4` index: with 64 KiB messages it was three quarters of
/// the server's CPU, and 42% of the load generator's (Benchmarks/README.md).
enum WebSocketMasking {
    /// XORs `bytes` in place with the four key bytes repeated; masking and unmasking are the same.
    static func apply(_ bytes: UnsafeMutableRawBufferPointer, key: SIMD4<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var wide: UInt64 = 0  // the key's bytes twice, in memory order
        withUnsafeMutableBytes(of: &wide) { word in
            for index in 0..<8 { word[index] = key[index & 3] }
        }
        let words = bytes.count / 8
        var index = 0
        while index < words {
            let word = base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
            base.storeBytes(of: word ^ wide, toByteOffset: index * 8, as: UInt64.self)
            index += 1
        }
        var tail = words * 8
        while tail < bytes.count {
            bytes[tail] ^= key[tail & 3]
            tail += 1
        }
    }
}

extension WebSocketFrame {
    /// Unmasks the payload in place and clears `maskKey`, so everything downstream (WSCore reads
    /// `unmaskedData`) gets the plain bytes without unmasking again.
    mutating func unmaskInPlace() {
        guard let key = maskKey else { return }
        data.withUnsafeMutableReadableBytes { WebSocketMasking.apply($0, key: SIMD4(key[0], key[1], key[2], key[3])) }
        maskKey = nil
    }
}
