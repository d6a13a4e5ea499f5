#if os(Linux)
import NIOCore

/// What a churn lane does with the server's frames after the handshake: the echo checked, pings
/// answered, and the server's close awaited.
extension ChurnLane {
    mutating func frames(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        while isOpen {
            switch reader.next(maxPayload: shared.maxMessage) {
            case .needMore: return
            case .invalid(let problem):
                end(now, &tally, failure: problem)
                return
            case .message(let opcode, let data, let masked):
                guard phase == .echoing else {
                    tally.counts.mismatch("a \(data.readableBytes)-byte message arrived that was never sent")
                    continue
                }
                echoed(opcode: opcode, data: data, masked: masked, shared, &tally, now: now)
            case .ping(let data):
                MaskedFrame.write(opcode: .pong, key: UInt32(truncatingIfNeeded: random.next()), payload: data, into: &outbox)
                flush(shared, &tally, now: now)
            case .close(let code):
                // While closing, this is the server's answer: wait for it to drop the connection.
                if phase == .echoing {
                    end(now, &tally, failure: "server closed with \(code.map(String.init) ?? "no code") during the run")
                }
            case .pong: break
            case .unexpected(let what): tally.counts.mismatch(what)
            }
        }
    }
}
#endif
