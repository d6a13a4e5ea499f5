import NIOCore

/// The header of one WebSocket frame (RFC 6455 §5.2), in either direction: read from the front of
/// a buffer without consuming it, or written. `WebSocketSession` reads clients' frames with it straight
/// from the socket's bytes, and the load generator reads servers' frames with it.
package struct FrameHeader {
    package static let continuation: UInt8 = 0x0, text: UInt8 = 0x1, binary: UInt8 = 0x2
    package static let close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    package var fin: Bool
    package var reservedBits: UInt8
    package var opcode: UInt8
    /// The key's bytes in the order they apply; nil for an unmasked frame.
    package var maskKey: SIMD4<UInt8>?
    /// Header bytes, masking key included.
    package var length: Int
    package var payloadLength: Int

    package var isControl: Bool { opcode & 0x08 != 0 }

    package enum Parsed {
        case needMore
        case frame(FrameHeader)
        /// Longer than the caller allows; said before any of the payload has to arrive.
        case tooLong(UInt64)
    }

    /// The header at the start of `buffer` once all of it is there; the payload may not be yet.
    package static func parse(_ buffer: ByteBuffer, maxPayload: Int) -> Parsed {
        buffer.withUnsafeReadableBytes { raw in
            guard raw.count >= 2 else { return .needMore }
            let first = raw[0]
            let second = raw[1]
            var length = 2
            var payloadLength = Int(second & 0x7F)
            if payloadLength == 126 {
                guard raw.count >= 4 else { return .needMore }
                payloadLength = Int(raw[2]) << 8 | Int(raw[3])
                length = 4
            } else if payloadLength == 127 {
                guard raw.count >= 10 else { return .needMore }
                let wide = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
                guard wide <= UInt64(maxPayload) else { return .tooLong(wide) }
                payloadLength = Int(wide)
                length = 10
            }
            guard payloadLength <= maxPayload else { return .tooLong(UInt64(payloadLength)) }
            var maskKey: SIMD4<UInt8>?
            if second & 0x80 != 0 {
                guard raw.count >= length + 4 else { return .needMore }
                maskKey = SIMD4(raw[length], raw[length + 1], raw[length + 2], raw[length + 3])
                length += 4
            }
            return .frame(
                FrameHeader(
                    fin: first & 0x80 != 0, reservedBits: first & 0x70, opcode: first & 0x0F, maskKey: maskKey,
                    length: length, payloadLength: payloadLength))
        }
    }
}

extension ByteBuffer {
    /// Writes the header of a whole frame: FIN, RSV1 for a compressed message (RFC 7692), the
    /// opcode, the shortest length encoding, and the masking key if there is one (clients mask,
    /// servers do not).
    package mutating func writeFrameHeader(opcode: UInt8, length: Int, maskKey: UInt32? = nil, compressed: Bool = false) {
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        let first: UInt8 = (compressed ? 0xC0 : 0x80) | opcode
        if length < 126 {
            writeMultipleIntegers(first, maskBit | UInt8(length))
        } else if length <= Int(UInt16.max) {
            writeMultipleIntegers(first, maskBit | 126, UInt16(length))
        } else {
            writeMultipleIntegers(first, maskBit | 127, UInt64(length))
        }
        if let maskKey { writeInteger(maskKey, endianness: .little) }  // the key's bytes, in the order they apply
    }
}
