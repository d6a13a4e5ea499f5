import NIOCore
import NIOWebSocket

extension WebSocketFrame {
    /// Unmasks the payload in place, eight bytes per step, and clears `maskKey`, so everything
    /// downstream (WSCore reads `unmaskedData`) gets the plain bytes without unmasking again.
    ///
    /// NIO's own `ByteBuffer.webSocketMask` walks the payload one byte at a time with a `% 4`
    /// index: with 64 KiB messages it was three quarters of the server's CPU (Benchmarks/README.md).
    mutating func unmaskInPlace() {
        guard let key = maskKey else { return }
        var wide: UInt64 = 0  // the key's bytes twice, in memory order
        withUnsafeMutableBytes(of: &wide) { word in
            for index in 0..<8 { word[index] = key[index & 3] }
        }
        data.withUnsafeMutableReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
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
        maskKey = nil
    }
}
