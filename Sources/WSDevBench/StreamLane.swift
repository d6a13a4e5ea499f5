#if os(Linux)
import NIOCore

/// One connection of stream mode on a plain socket: connect and handshake, then read whatever the
/// server pushes, counting messages and payload bytes while `counting`, then the close
/// handshake. Sends nothing but pongs and the close. Every frame is checked as in the echo modes
/// (unmasked, no reserved bits, fragments joined); with an expected size, every message must
/// have exactly that many bytes or it is a mismatch.
struct StreamLane: SocketLane {
    var connection = LaneConnection(inboxCapacity: 256 * 1024, outboxCapacity: 512, readRoom: 64 * 1024)
    let index: Int
    /// Messages and their payload bytes are counted only while this is set (the window).
    var counting = false
    private(set) var bytes = 0

    init(index: Int) { self.index = index }

    mutating func open(_ shared: StreamShared, now: NIODeadline, _ tally: inout LoopTally.Snapshot) {
        if let error = connect(shared, number: index, now: now, &tally) { end("\(error)", &tally) }
    }

    /// Reading what the server pushes is the run.
    mutating func upgraded(_ shared: StreamShared, _ tally: inout LoopTally.Snapshot, now: NIODeadline) {
        connection.phase = .running
    }

    mutating func received(
        opcode: UInt8, data: ByteBuffer, masked: Bool, _ shared: StreamShared, _ tally: inout LoopTally.Snapshot, now: NIODeadline
    ) {
        if masked {
            tally.mismatch("a \(data.readableBytes)-byte message arrived masked (servers must not mask)")
        } else if shared.size > 0 && data.readableBytes != shared.size {
            tally.mismatch("a \(data.readableBytes)-byte message arrived; expected \(shared.size) bytes")
        } else {
            tally.echoes += 1
            if counting {
                tally.windowMessages += 1
                tally.windowBytes += data.readableBytes
                bytes += data.readableBytes
            }
        }
    }

    /// A problem while opening is the lane's set-up failure; while reading it is an error; while
    /// closing it is not.
    mutating func end(_ problem: String?, _ tally: inout LoopTally.Snapshot) {
        if let problem = connection.close(problem) { tally.error(problem) }
        counting = false
    }
}

/// What every stream lane shares.
struct StreamShared: LaneShared {
    let endpoint: LaneEndpoint
    /// Expected payload bytes of every message; 0: any.
    let size: Int

    init(plan: BenchPlan) {
        endpoint = LaneEndpoint(plan: plan)
        size = plan.size
    }
}
#endif
