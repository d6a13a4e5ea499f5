#if os(Linux)
import NIOCore

/// The frames a churn lane reads after the handshake, parsed in place in its inbox: the echo
/// (joined when the server fragments it), pings answered, and the server's close.
extension ChurnLane {
    mutating func frames(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        while isOpen {
            let header: ServerFrameHeader
            switch ServerFrameHeader.parse(inbox, maxPayload: shared.maxMessage) {
            case .needMore: return
            case .invalid(let problem):
                end(now, &tally, failure: problem)
                return
            case .frame(let parsed): header = parsed
            }
            guard inbox.readableBytes >= header.length + header.payloadLength,
                  let data = inbox.getSlice(at: inbox.readerIndex + header.length, length: header.payloadLength) else { return }
            inbox.moveReaderIndex(forwardBy: header.length + header.payloadLength)
            frame(header, data, shared, &tally, now: now)
        }
    }

    private mutating func frame(_ header: ServerFrameHeader, _ data: ByteBuffer, _ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        switch header.opcode {
        case ServerFrameHeader.text, ServerFrameHeader.binary, ServerFrameHeader.continuation:
            guard phase == .echoing else {
                tally.counts.mismatch("a \(data.readableBytes)-byte message arrived that was never sent")
                return
            }
            if header.fin && fragments == nil && header.opcode != ServerFrameHeader.continuation {
                echoed(opcode: header.opcode, data: data, masked: header.masked, shared, &tally, now: now)
            } else {
                join(header, data, shared, &tally, now: now)
            }
        case ServerFrameHeader.ping:
            MaskedFrame.write(opcode: .pong, key: UInt32(truncatingIfNeeded: random.next()), payload: data, into: &outbox)
            flush(shared, &tally, now: now)
        case ServerFrameHeader.close:
            // While closing, this is the server's answer: wait for it to drop the connection.
            if phase == .echoing {
                let code = data.getInteger(at: data.readerIndex, as: UInt16.self)
                end(now, &tally, failure: "server closed with \(code.map(String.init) ?? "no code") during the run")
            }
        case ServerFrameHeader.pong:
            break
        default:
            tally.counts.mismatch("unexpected frame opcode \(header.opcode)")
        }
    }

    /// Fragments of one message (RFC 6455 §5.4); a server may split an echo however it likes.
    private mutating func join(_ header: ServerFrameHeader, _ data: ByteBuffer, _ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        var data = data
        if header.opcode == ServerFrameHeader.continuation {
            guard fragments != nil else {
                tally.counts.mismatch("a continuation frame arrived with no message to continue")
                return
            }
            fragments!.data.writeBuffer(&data)
        } else {
            if fragments != nil { tally.counts.mismatch("a new message began before the previous one ended") }
            fragments = (header.opcode, data)
        }
        guard header.fin, let whole = fragments else { return }
        fragments = nil
        echoed(opcode: whole.opcode, data: whole.data, masked: header.masked, shared, &tally, now: now)
    }
}
#endif
