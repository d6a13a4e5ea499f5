#if os(Linux)
import NIOCore

/// What an echo lane does with the server's frames: echoes checked and the next message queued,
/// pings answered, the server's close answered or awaited.
extension EchoLane {
    mutating func frames(_ shared: EchoShared, _ tally: inout LoopTally.Snapshot, now: NIODeadline) {
        while phase != .closed {
            switch reader.next(maxPayload: shared.maxMessage) {
            case .needMore: return
            case .invalid(let problem):
                end(problem, &tally)
                return
            case .message(let opcode, let data, let masked):
                echoed(opcode: opcode, data: data, masked: masked, shared, &tally, now: now)
            case .ping(let data):
                MaskedFrame.write(opcode: .pong, key: UInt32(truncatingIfNeeded: random.next()), payload: data, into: &outbox)
            case .close(let code):
                serverClosed(code: code, &tally, now: now)
            case .pong: break
            case .unexpected(let what): tally.mismatch(what)
            }
        }
    }

    private mutating func echoed(opcode: UInt8, data: ByteBuffer, masked: Bool, _ shared: EchoShared, _ tally: inout LoopTally.Snapshot, now: NIODeadline) {
        guard phase == .running, let sent = sentAt.popFirst() else {
            tally.mismatch("a \(data.readableBytes)-byte message arrived that was never sent")
            return
        }
        let sequence = nextSequence - UInt64(sentAt.count) - 1
        let payload = shared.payload
        if opcode == UInt8(webSocketOpcode: payload.opcode), !masked, payload.matches(data, sequence: sequence) {
            tally.echoes += 1
            if sent >= run.windowStart && now <= run.stopSending {
                tally.windowMessages += 1
                tally.windowBytes += payload.size
                tally.latency.record(UInt64(max(0, (now - sent).nanoseconds)))
            }
            if now > tally.lastEcho { tally.lastEcho = now }
        } else if tally.firstMismatch == nil {
            tally.mismatch(
                "message #\(sequence): sent \(payload.size) bytes as \(payload.opcode), got \(data.readableBytes) bytes as opcode \(opcode)"
                    + (masked ? ", masked (servers must not mask)" : "") + ", content differs")
        } else {
            tally.mismatches += 1
        }
        if remaining > 0 && now < run.stopSending {
            send(shared)
        } else if sentAt.isEmpty {
            finishRun()
        }
    }

    /// During a run the server's close is an error; between runs it is answered (RFC 6455
    /// §5.5.1) and the lane waits for the TCP close; while closing it is the answer awaited.
    private mutating func serverClosed(code: UInt16?, _ tally: inout LoopTally.Snapshot, now: NIODeadline) {
        switch phase {
        case .running:
            writeClose(code: code ?? 1000)
            flush(&tally)
            end("server closed with \(code.map(String.init) ?? "no code") during the run", &tally)
        case .open:
            beginClose(code: code ?? 1000, until: now + .seconds(1), &tally)
        case .idle, .upgrading, .closing, .closed:
            break
        }
    }
}
#endif
