#if os(Linux)
import NIOCore

/// One connection of echo, latency, bulk or large on a plain socket: connect and handshake, runs
/// of messages (`depth` in flight, each echo checked byte for byte before the next leaves), then
/// the close handshake. It counts what `EchoDriver` counts, the same way, so that the two
/// engines' reports compare.
///
/// The in-flight queue lives as long as the lane: in the steady state a message allocates nothing.
struct EchoLane: SocketLane {
    var connection: LaneConnection
    /// The connection's number: picks the source address and its share of `--messages`.
    let index: Int
    private var run = EchoDriver.Run(messages: 0, giveUp: .distantFuture)
    private var remaining = 0
    private var nextSequence: UInt64 = 0
    /// When each message in flight left, oldest first; they are the last `count` sequence numbers.
    private var sentAt: CircularBuffer<NIODeadline>

    init(index: Int, shared: EchoShared) {
        self.index = index
        connection = LaneConnection(inboxCapacity: shared.inboxCapacity, outboxCapacity: shared.outboxCapacity)
        sentAt = CircularBuffer(initialCapacity: shared.depth)
    }

    var outstanding: Int { sentAt.count }

    mutating func open(_ shared: EchoShared, now: NIODeadline, _ tally: inout LoopTally.Snapshot) {
        if let error = connect(shared, number: index, now: now, &tally) { end("\(error)", &tally) }
    }

    /// Sends the run's first `depth` messages; each echo sends the next.
    mutating func start(_ run: EchoDriver.Run, _ shared: EchoShared, _ tally: inout LoopTally.Snapshot) {
        guard phase == .open else {
            tally.error("connection not open when the run started")
            return
        }
        self.run = run
        remaining = run.messages
        connection.phase = .running
        connection.deadline = run.giveUp
        for _ in 0..<min(run.depth, remaining) { send(shared) }
        if sentAt.isEmpty { finishRun() }
        flush(&tally)
    }

    mutating func upgraded(_ shared: EchoShared, _ tally: inout LoopTally.Snapshot, now: NIODeadline) {}

    mutating func received(
        opcode: UInt8, data: ByteBuffer, masked: Bool, _ shared: EchoShared, _ tally: inout LoopTally.Snapshot, now: NIODeadline
    ) {
        guard phase == .running, let sent = sentAt.popFirst() else {
            tally.mismatch("a \(data.readableBytes)-byte message arrived that was never sent")
            return
        }
        tally.echo(
            of: shared.payload, sequence: nextSequence - UInt64(sentAt.count) - 1, opcode: opcode, data: data, masked: masked,
            sentAt: sent, now: now, timed: sent >= run.windowStart && now <= run.stopSending)
        if remaining > 0 && now < run.stopSending {
            send(shared)
        } else if sentAt.isEmpty {
            finishRun()
        }
    }

    /// A problem while opening is the lane's set-up failure; during a run it is counted as an
    /// error, as `EchoDriver` counts it; otherwise the run is over and it is not.
    mutating func end(_ problem: String?, _ tally: inout LoopTally.Snapshot) {
        if let problem = connection.close(problem) { tally.error(problem) }
        sentAt.removeAll(keepingCapacity: true)
        remaining = 0
    }

    /// Queues the next message; its clock starts after masking, just before the write.
    private mutating func send(_ shared: EchoShared) {
        connection.queue(shared.payload, sequence: nextSequence)
        nextSequence += 1
        remaining -= 1
        sentAt.append(NIODeadline.now())
    }

    private mutating func finishRun() {
        connection.phase = .open
        connection.deadline = .distantFuture
    }
}

/// What every echo lane of a run shares.
struct EchoShared: LaneShared {
    let endpoint: LaneEndpoint
    let payload: Payload
    let depth: Int

    init(plan: BenchPlan) {
        endpoint = LaneEndpoint(plan: plan)
        payload = Payload(size: plan.size, binary: plan.binary)
        depth = max(1, plan.depth)
    }

    // Room for a whole echo and then some, so that a large message comes in a few large reads
    // rather than many small ones; beyond 4 MiB the inbox grows as a message arrives.
    var inboxCapacity: Int { min(MaskedFrame.maxHeader + payload.size, 4 << 20) + 4096 }
    var outboxCapacity: Int { min((MaskedFrame.maxHeader + payload.size) * depth, 4 << 20) + 64 }
}
#endif
