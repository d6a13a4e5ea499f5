import NIOCore

/// RFC 6455 §5.3 masking, eight bytes per step. NIO's own `ByteBuffer.webSocketMask` walks the
/// payload one byte at a time with a `% 4` index, which dominated the CPU of large messages.
package enum WebSocketMasking {
    /// XORs `bytes` in place with the four key bytes repeated; masking and unmasking are the same.
    package static func apply(_ bytes: UnsafeMutableRawBufferPointer, key: SIMD4<UInt8>) {
        apply(from: UnsafeRawBufferPointer(bytes), to: bytes, key: key)
    }

    /// Writes `source` XOR the key into `destination` (which may be `source` itself), so that a
    /// copy and the unmasking are one pass over the bytes instead of two.
    package static func apply(from source: UnsafeRawBufferPointer, to destination: UnsafeMutableRawBufferPointer, key: SIMD4<UInt8>) {
        precondition(destination.count >= source.count)
        guard let input = source.baseAddress, let output = destination.baseAddress else { return }
        var wide: UInt64 = 0  // the key's bytes twice, in memory order
        withUnsafeMutableBytes(of: &wide) { word in
            for index in 0..<8 { word[index] = key[index & 3] }
        }
        let words = source.count / 8
        var index = 0
        while index < words {
            let word = input.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
            output.storeBytes(of: word ^ wide, toByteOffset: index * 8, as: UInt64.self)
            index += 1
        }
        var tail = words * 8
        while tail < source.count {
            output.storeBytes(of: source[tail] ^ key[tail & 3], toByteOffset: tail, as: UInt8.self)
            tail += 1
        }
    }
}
