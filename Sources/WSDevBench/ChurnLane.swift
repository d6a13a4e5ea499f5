#if os(Linux)
import NIOCore

/// One churn lane: connect, handshake, one echo, close handshake, wait for the server to drop the
/// connection, then (once idle) the next cycle, until the run's stop. The same checks as the NIO
/// path (`Connector`, `EchoDriver`): a fresh key and `Sec-WebSocket-Accept` checked per
/// connection, every frame masked with a fresh key, every echoed byte compared.
struct ChurnLane: SocketLane {
    var connection = LaneConnection(inboxCapacity: 4096, outboxCapacity: 512)
    /// Connection number: picks the source address and stamps the message.
    private var number: Int
    private let stride: Int
    private var began = NIODeadline.uptimeNanoseconds(0)
    private var sentAt = NIODeadline.uptimeNanoseconds(0)

    init(number: Int, stride: Int) {
        self.number = number
        self.stride = stride
    }

    /// Idle lanes wait too: for their next cycle's start.
    var isWaiting: Bool { phase != .closed }
    var outstanding: Int { phase == .running ? 1 : 0 }

    /// Starts the next cycle, or, past the run's stop, closes the lane for good.
    mutating func open(_ shared: ChurnShared, now: NIODeadline, _ tally: inout ChurnTally) {
        guard now < shared.stop else {
            connection.phase = .closed
            return
        }
        number += stride
        began = now
        if let error = connect(shared, number: number, now: now, &tally) { end("connect: \(error)", &tally) }
    }

    mutating func expire(_ shared: ChurnShared, _ tally: inout ChurnTally) {
        if phase == .idle { open(shared, now: NIODeadline.now(), &tally) } else { timeOut(&tally) }
    }

    /// Sends the cycle's message.
    mutating func upgraded(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        connection.queue(shared.payload, sequence: UInt64(number))
        connection.phase = .running
        sentAt = NIODeadline.now()
        connection.deadline = sentAt + .seconds(5)
        flush(&tally)
    }

    /// The echo checked (or not), then close 1000.
    mutating func received(
        opcode: UInt8, data: ByteBuffer, masked: Bool, _ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline
    ) {
        guard phase == .running else {
            tally.mismatch("a \(data.readableBytes)-byte message arrived that was never sent")
            return
        }
        tally.counts.echo(
            of: shared.payload, sequence: UInt64(number), opcode: opcode, data: data, masked: masked, sentAt: sentAt, now: now,
            timed: true)
        beginClose(until: now + .seconds(1), &tally)
    }

    /// Closes the socket and counts the cycle, or the failure; a failed cycle waits 1 ms before
    /// the next, so that a refused connect does not spin.
    mutating func end(_ problem: String?, _ tally: inout ChurnTally) {
        connection.close()
        let now = NIODeadline.now()
        connection.phase = .idle
        if let problem {
            tally.counts.error(problem)
            connection.deadline = now + .milliseconds(1)
        } else {
            tally.cycles.record(UInt64(max(0, (now - began).nanoseconds)))
            connection.deadline = now
        }
    }
}

/// What every churn lane shares: the endpoint, the message, and when to stop starting cycles.
struct ChurnShared: LaneShared {
    let endpoint: LaneEndpoint
    let payload: Payload
    let stop: NIODeadline

    init(plan: BenchPlan, stop: NIODeadline) {
        endpoint = LaneEndpoint(plan: plan)
        payload = Payload(size: plan.size, binary: plan.binary)
        self.stop = stop
    }
}
#endif
