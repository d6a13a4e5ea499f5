import NIOCore
import WSDevKit
import WSWire

/// Reads what the engine sent, as a strict client would, and fails on anything RFC 6455 or
/// RFC 7692 does not allow a server to send: masked or fragmented frames, unknown opcodes,
/// reserved bits without the extension, oversized control frames, invalid close frames or
/// text, compressed data that does not inflate, and anything after the close frame.
struct ServerFrames {
    let deflate: PerMessageDeflate?
    let maxMessage: Int
    private var pending = ByteBuffer()
    private(set) var closes = 0
    private(set) var frames = 0
    /// The client's inflater, kept across messages as the server keeps its compressor.
    private let inflater = DeflateCodec(PerMessageDeflate())

    init(deflate: PerMessageDeflate?, maxMessage: Int) {
        self.deflate = deflate
        self.maxMessage = maxMessage
    }

    /// Whether everything sent so far ends on a frame boundary.
    var endsOnFrame: Bool { pending.readableBytes == 0 }

    mutating func take(_ sent: ByteBuffer) {
        var sent = sent
        pending.writeBuffer(&sent)
        while case .frame(let header) = FrameHeader.parse(pending, maxPayload: Int.max),
            pending.readableBytes >= header.length + header.payloadLength
        {
            pending.moveReaderIndex(forwardBy: header.length)
            check(header, pending.readSlice(length: header.payloadLength)!)
        }
        pending.discardReadBytes()
    }

    private mutating func check(_ header: FrameHeader, _ payload: ByteBuffer) {
        frames += 1
        require(closes == 0, "a frame (opcode \(header.opcode)) after the close frame")
        require(header.maskKey == nil, "a masked server frame")
        require(header.fin, "a fragmented server frame")
        let compressed = header.reservedBits == 0x40
        require(header.reservedBits == 0 || compressed && deflate?.canCompress == true && !header.isControl, "reserved bits \(header.reservedBits)")
        switch header.opcode {
        case FrameHeader.close:
            closes += 1
            require(payload.readableBytes <= 125 && payload.readableBytes != 1, "a close frame of \(payload.readableBytes) bytes")
            if let code = payload.getInteger(at: payload.readerIndex, as: UInt16.self) {
                require(CloseCode.isSendable(code), "close code \(code)")
                require(payload.getSlice(at: payload.readerIndex + 2, length: payload.readableBytes - 2)!.isValidUTF8, "close reason not UTF-8")
            }
        case FrameHeader.ping, FrameHeader.pong:
            require(payload.readableBytes <= 125, "a control frame of \(payload.readableBytes) bytes")
        case FrameHeader.text, FrameHeader.binary:
            let message = compressed ? inflated(payload) : payload
            require(message.readableBytes <= maxMessage, "a \(message.readableBytes)-byte message over the \(maxMessage)-byte limit")
            if header.opcode == FrameHeader.text { require(message.isValidUTF8, "text that is not UTF-8") }
        default:
            require(false, "opcode \(header.opcode)")
        }
    }

    private func inflated(_ payload: ByteBuffer) -> ByteBuffer {
        var message = ByteBuffer()
        do {
            try inflater.inflate(payload, into: &message, limit: maxMessage, last: true)
        } catch {
            require(false, "a compressed message did not inflate within the limit: \(error)")
        }
        return message
    }
}

extension ByteBuffer {
    var isValidUTF8: Bool {
        withUnsafeReadableBytes { String(validating: $0, as: UTF8.self) != nil }
    }
}
