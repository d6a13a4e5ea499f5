import NIOCore
import NIOWebSocket

extension LoopTally.Snapshot {
    /// Counts what came back for message `sequence` of `payload`, sent at `sentAt`: a verified
    /// echo when it is that message byte for byte, with its opcode and unmasked, and timed when
    /// `timed` (sent after the warm-up, back inside the window); otherwise a mismatch. Only the
    /// first mismatch is kept, so only it is described.
    mutating func echo(
        of payload: Payload, sequence: UInt64, opcode: UInt8, data: ByteBuffer, masked: Bool,
        sentAt: NIODeadline, now: NIODeadline, timed: Bool
    ) {
        if opcode == UInt8(webSocketOpcode: payload.opcode), !masked, payload.matches(data, sequence: sequence) {
            echoes += 1
            if timed {
                windowMessages += 1
                windowBytes += payload.size
                latency.record(UInt64(max(0, (now - sentAt).nanoseconds)))
            }
            if now > lastEcho { lastEcho = now }
        } else if firstMismatch == nil {
            mismatch(
                "message #\(sequence): sent \(payload.size) bytes as \(payload.opcode), got \(data.readableBytes) bytes as opcode \(opcode)"
                    + (masked ? ", masked (servers must not mask)" : "") + ", content differs")
        } else {
            mismatches += 1
        }
    }
}
