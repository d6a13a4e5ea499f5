import NIOCore
import WSWire

/// Frames as a client writes them: whole, masked with a fresh key each (RFC 6455 §5.3).
enum ClientFrame {
    static func write(opcode: UInt8, payload: [UInt8], into buffer: inout ByteBuffer) {
        let key = UInt32.random(in: .min ... .max)
        buffer.writeFrameHeader(opcode: opcode, length: payload.count, maskKey: key)
        let keyBytes = SIMD4<UInt8>(UInt8(key & 0xFF), UInt8(key >> 8 & 0xFF), UInt8(key >> 16 & 0xFF), UInt8(key >> 24))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: payload.count) { out in
            payload.withUnsafeBytes { WebSocketMasking.apply(from: $0, to: out, key: keyBytes) }
            return payload.count
        }
    }

    /// A close frame's payload: the code, then the reason cut to fit a control frame.
    static func closePayload(code: UInt16, reason: String) -> [UInt8] {
        [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(CloseCode.clip(reason).utf8)
    }
}
