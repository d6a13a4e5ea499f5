import NIOCore
import WSWire

/// What a plain-socket lane has read and not yet used, parsed in place: first the server's answer
/// to the upgrade, then its frames, fragmented messages joined (RFC 6455 §5.4). Churn and echo
/// lanes share it so that both engines judge a server by the same rules.
///
/// A whole unfragmented message is handed out as a slice of the inbox, not copied; `joined` is
/// kept between messages so that even fragmented ones allocate only when they outgrow it.
struct ServerFrameReader: Sendable {
    var inbox = ByteBuffer()
    private var fragmentOpcode: UInt8?
    private var joined = ByteBuffer()
    /// A response head larger than this is not a WebSocket server talking.
    private static let maxHead = 16 * 1024

    enum Head { case needMore, accepted, problem(String) }

    enum Event {
        case needMore
        case message(opcode: UInt8, data: ByteBuffer, masked: Bool)
        case ping(ByteBuffer)
        case pong
        case close(code: UInt16?)
        /// Something a correct server does not send: counted as a mismatch, and reading goes on.
        case unexpected(String)
        /// Reading cannot go on.
        case invalid(String)
    }

    mutating func reset() {
        inbox.clear()
        fragmentOpcode = nil
        joined.clear()
    }

    /// Checks the response head once it is complete, and consumes it; bytes after it stay for `next`.
    mutating func head(expectedAccept: [UInt8]) -> Head {
        let outcome: (length: Int, problem: String?)? = inbox.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 4 else { return nil }
            for end in 3..<bytes.count where bytes[end] == 10 && bytes[end - 1] == 13 && bytes[end - 2] == 10 && bytes[end - 3] == 13 {
                let head = UnsafeRawBufferPointer(rebasing: bytes[0..<(end + 1)])
                return (end + 1, expectedAccept.withUnsafeBytes { UpgradeCheck.problem(head: head, expectedAccept: $0) })
            }
            return nil
        }
        guard let outcome else {
            return inbox.readableBytes > Self.maxHead ? .problem("response head over \(Self.maxHead) bytes") : .needMore
        }
        if let problem = outcome.problem { return .problem(problem) }
        inbox.moveReaderIndex(forwardBy: outcome.length)
        return .accepted
    }

    /// The next complete message or control frame, or `.needMore`.
    mutating func next(maxPayload: Int) -> Event {
        while true {
            let header: FrameHeader
            switch FrameHeader.parse(inbox, maxPayload: maxPayload) {
            case .needMore: return .needMore
            case .tooLong(let length): return .invalid("a \(length)-byte frame, over the \(maxPayload)-byte limit")
            case .frame(let parsed): header = parsed
            }
            if header.reservedBits != 0 { return .invalid("frame with RSV bits set, and no extension was negotiated") }
            guard inbox.readableBytes >= header.length + header.payloadLength else { return .needMore }
            if fragmentOpcode != nil && (header.opcode == FrameHeader.text || header.opcode == FrameHeader.binary) {
                // Drop the unfinished message; this frame is read again as the start of a new one.
                fragmentOpcode = nil
                return .unexpected("a new message began before the previous one ended")
            }
            // Read before consuming: a ByteBuffer hands out only readable bytes.
            let data = inbox.getSlice(at: inbox.readerIndex + header.length, length: header.payloadLength)!
            inbox.moveReaderIndex(forwardBy: header.length + header.payloadLength)
            switch header.opcode {
            case FrameHeader.text, FrameHeader.binary:
                if header.fin { return .message(opcode: header.opcode, data: data, masked: header.maskKey != nil) }
                fragmentOpcode = header.opcode
                joined.clear()
                joined.writeImmutableBuffer(data)
            case FrameHeader.continuation:
                guard let opcode = fragmentOpcode else { return .unexpected("a continuation frame arrived with no message to continue") }
                joined.writeImmutableBuffer(data)
                guard header.fin else { continue }
                fragmentOpcode = nil
                return .message(opcode: opcode, data: joined, masked: header.maskKey != nil)
            case FrameHeader.ping: return .ping(data)
            case FrameHeader.close: return .close(code: data.getInteger(at: data.readerIndex, as: UInt16.self))
            case FrameHeader.pong: return .pong
            default: return .unexpected("unexpected frame opcode \(header.opcode)")
            }
        }
    }

    /// Drops what was read, so that the inbox does not grow; called once per read, not per frame.
    mutating func compact() {
        if inbox.readableBytes == 0 {
            inbox.clear()
        } else if inbox.readerIndex > 0 {
            inbox.discardReadBytes()
        }
    }
}
