import NIOCore

/// The header of one frame from the server (RFC 6455 §5.2), read from the front of a buffer
/// without consuming it: the raw churn lanes parse frames in place instead of going through
/// NIO's `WebSocketFrameDecoder`, which needs a channel pipeline.
struct ServerFrameHeader {
    var fin: Bool
    var opcode: UInt8
    var masked: Bool
    /// Header bytes, masking key included.
    var length: Int
    var payloadLength: Int

    static let continuation: UInt8 = 0x0, text: UInt8 = 0x1, binary: UInt8 = 0x2
    static let close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    enum Parsed {
        case needMore
        case frame(ServerFrameHeader)
        case invalid(String)
    }

    static func parse(_ buffer: ByteBuffer, maxPayload: Int) -> Parsed {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) else { return .needMore }
        if first & 0x70 != 0 { return .invalid("frame with RSV bits set, and no extension was negotiated") }
        var header = ServerFrameHeader(fin: first & 0x80 != 0, opcode: first & 0x0F, masked: second & 0x80 != 0, length: 2, payloadLength: Int(second & 0x7F))
        if header.payloadLength == 126 {
            guard let extended = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self) else { return .needMore }
            header.payloadLength = Int(extended)
            header.length = 4
        } else if header.payloadLength == 127 {
            guard let extended = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt64.self) else { return .needMore }
            guard extended <= UInt64(maxPayload) else { return .invalid("a \(extended)-byte frame, over the \(maxPayload)-byte limit") }
            header.payloadLength = Int(extended)
            header.length = 10
        }
        guard header.payloadLength <= maxPayload else { return .invalid("a \(header.payloadLength)-byte frame, over the \(maxPayload)-byte limit") }
        if header.masked { header.length += 4 }
        return .frame(header)
    }
}
