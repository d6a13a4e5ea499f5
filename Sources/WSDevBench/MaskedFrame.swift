import NIOCore
import NIOWebSocket
import WSWire

/// Client frames (RFC 6455 §5.2–5.3) written in one pass: header, masking key, and the payload
/// XORed with the key eight bytes at a time while it is copied.
///
/// NIOWebSocket's `WebSocketFrameEncoder` masks with `ByteBuffer.webSocketMask`, which walks the
/// payload one byte at a time through a `% 4` index: with 64 KiB messages that loop took 42% of
/// the generator's CPU, so the generator frames its own messages and uses NIO only for decoding.
enum MaskedFrame {
    /// Largest header: 2 bytes, 8 of extended length, 4 of masking key.
    static let maxHeader = 14

    /// Appends a whole frame to `buffer`; `body` fills the `count` payload bytes in clear, and
    /// is masked in place afterwards.
    static func write(
        opcode: WebSocketOpcode, key: UInt32, count: Int, into buffer: inout ByteBuffer,
        body: (UnsafeMutableRawBufferPointer) -> Void
    ) {
        buffer.reserveCapacity(minimumWritableBytes: maxHeader + count)
        buffer.writeFrameHeader(opcode: UInt8(webSocketOpcode: opcode), length: count, maskKey: key)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            let payload = UnsafeMutableRawBufferPointer(rebasing: raw[0..<count])
            body(payload)
            mask(payload, key: key)
            return count
        }
    }

    /// A control or data frame whose payload is already in a buffer (pong, close).
    static func write(opcode: WebSocketOpcode, key: UInt32, payload: ByteBuffer, into buffer: inout ByteBuffer) {
        write(opcode: opcode, key: key, count: payload.readableBytes, into: &buffer) { destination in
            payload.withUnsafeReadableBytes { source in
                if source.count > 0 { destination.copyMemory(from: source) }
            }
        }
    }

    /// XOR with the 4-byte key repeated (RFC 6455 §5.3).
    static func mask(_ bytes: UnsafeMutableRawBufferPointer, key: UInt32) {
        // The key's bytes in memory order, as they go on the wire.
        let bytesOfKey = SIMD4<UInt8>(
            UInt8(truncatingIfNeeded: key), UInt8(truncatingIfNeeded: key >> 8),
            UInt8(truncatingIfNeeded: key >> 16), UInt8(truncatingIfNeeded: key >> 24))
        WebSocketMasking.apply(bytes, key: bytesOfKey)
    }
}
