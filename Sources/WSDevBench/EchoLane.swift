#if os(Linux)
import Glibc
import NIOCore

/// One connection of echo, latency or bulk on a plain socket, driven by `EchoLoop`: connect and
/// handshake, a run of messages (`depth` in flight, each echo checked byte for byte before the
/// next leaves), then the close handshake. It counts what `EchoDriver` counts, the same way, so
/// that the two engines' reports compare.
///
/// Buffers, the in-flight queue and the expected accept value live as long as the lane: in the
/// steady state a message allocates nothing.
struct EchoLane: Sendable {
    enum Phase { case idle, upgrading, open, running, closing, closed }

    private(set) var phase = Phase.idle
    /// When the current step gives up (closing: stops waiting for the server).
    private(set) var deadline = NIODeadline.distantFuture
    private var fd: Int32 = -1
    /// The connection's number: picks the source address and its share of `--messages`.
    let index: Int
    /// Why it could not open. Set-up failures stop the run before it starts, so are not tallied.
    private(set) var failure: String?
    private(set) var writeWanted = false
    var reader = ServerFrameReader()
    var outbox = ByteBuffer()
    var random = FastRandom()
    private var accept = [UInt8](repeating: 0, count: HandshakeKey.acceptLength)
    var run = EchoDriver.Run(messages: 0, giveUp: .distantFuture)
    var remaining = 0
    var nextSequence: UInt64 = 0
    /// When each message in flight left, oldest first; they are the last `count` sequence numbers.
    var sentAt: CircularBuffer<NIODeadline>

    init(index: Int, shared: EchoShared) {
        self.index = index
        sentAt = CircularBuffer(initialCapacity: shared.depth)
        reader.inbox.reserveCapacity(shared.inboxCapacity)
        outbox.reserveCapacity(shared.outboxCapacity)
    }

    /// Waiting for the server: in `poll`, with a deadline.
    var isWaiting: Bool { phase == .upgrading || phase == .running || phase == .closing }

    var pollRequest: pollfd {
        pollfd(fd: fd, events: Int16(POLLIN) | (writeWanted ? Int16(POLLOUT) : 0), revents: 0)
    }

    mutating func open(_ shared: EchoShared, now: NIODeadline, _ tally: inout LoopTally.Snapshot) {
        switch RawSocket.connect(to: shared.target.address, from: shared.target.source(index)) {
        case .failure(let error):
            failure = "\(error)"
            phase = .closed
            return
        case .success(let socket):
            fd = socket
        }
        shared.request.write(into: &outbox, random: &random, accept: &accept)
        phase = .upgrading
        deadline = now + .seconds(10)
        // On loopback the connection is usually up when connect returns: write at once rather
        // than wait for POLLOUT; EAGAIN just means it was not.
        flush(&tally)
    }

    mutating func start(_ run: EchoDriver.Run, _ shared: EchoShared, _ tally: inout LoopTally.Snapshot) {
        guard phase == .open else {
            tally.error("connection not open when the run started")
            return
        }
        self.run = run
        remaining = run.messages
        phase = .running
        deadline = run.giveUp
        for _ in 0..<min(run.depth, remaining) { send(shared) }
        if sentAt.isEmpty { finishRun() }
        flush(&tally)
    }

    /// Sends close 1000 and waits for the server to answer and drop the TCP connection (it closes
    /// first, so TIME_WAIT stays on its side), until `deadline`.
    mutating func beginClose(code: UInt16 = 1000, until deadline: NIODeadline, _ tally: inout LoopTally.Snapshot) {
        guard phase == .open || phase == .running else { return }
        writeClose(code: code)
        phase = .closing
        self.deadline = deadline
        flush(&tally)
    }

    /// What `poll` reported.
    mutating func handle(_ events: Int16, _ shared: EchoShared, _ tally: inout LoopTally.Snapshot) {
        if events & Int16(POLLOUT) != 0 && fd >= 0 { flush(&tally) }
        if events & ~Int16(POLLOUT) != 0 && fd >= 0 { readable(shared, &tally) }
    }

    /// The current step's deadline passed.
    mutating func expire(_ tally: inout LoopTally.Snapshot) {
        switch phase {
        case .upgrading: end("handshake: no answer within 10 s", &tally)
        case .running: end("gave up waiting: \(sentAt.count) echo(es) outstanding", &tally)
        case .closing: end(nil, &tally)  // as EchoDriver: close anyway, not an error
        case .idle, .open, .closed: break
        }
    }

    /// One read, and whatever it completes; replies queued on the way leave in one write.
    mutating func readable(_ shared: EchoShared, _ tally: inout LoopTally.Snapshot) {
        switch RawSocket.receive(fd, into: &reader.inbox, atLeast: 4096) {
        case .nothing: return
        case .failed(let error):
            end("\(phase == .upgrading ? "connecting" : "reading"): \(error)", &tally)
            return
        case .closed:
            switch phase {
            case .upgrading: end("handshake: connection closed during the handshake", &tally)
            case .running: end("connection closed with \(sentAt.count) echo(es) outstanding", &tally)
            default: end(nil, &tally)
            }
            return
        case .bytes: break
        }
        let now = NIODeadline.now()
        if phase == .upgrading {
            switch reader.head(expectedAccept: accept) {
            case .needMore: return
            case .problem(let problem):
                end("handshake: \(problem)", &tally)
                return
            case .accepted:
                phase = .open
                deadline = .distantFuture
            }
        }
        frames(shared, &tally, now: now)
        reader.compact()
        if fd >= 0 && !writeWanted && outbox.readableBytes > 0 { flush(&tally) }
    }

    /// Writes what is queued; waits for POLLOUT only while the socket is full.
    mutating func flush(_ tally: inout LoopTally.Snapshot) {
        switch RawSocket.flush(fd, &outbox) {
        case .done: writeWanted = false
        case .full: writeWanted = true
        case .failed(let error): end("\(phase == .upgrading ? "connecting" : "writing"): \(error)", &tally)
        }
    }

    /// Closes the socket. A problem while opening is the lane's set-up failure; during a run it
    /// is counted as an error, as `EchoDriver` counts it; otherwise the run is over and it is not.
    mutating func end(_ problem: String?, _ tally: inout LoopTally.Snapshot) {
        if fd >= 0 { close(fd) }
        fd = -1
        if let problem {
            switch phase {
            case .idle, .upgrading: failure = failure ?? problem
            case .running: tally.error(problem)
            case .open, .closing, .closed: break
            }
        }
        phase = .closed
        deadline = .distantFuture
        sentAt.removeAll(keepingCapacity: true)
        remaining = 0
        writeWanted = false
    }

    /// Queues the next message; its clock starts after masking, just before the write.
    mutating func send(_ shared: EchoShared) {
        shared.payload.write(sequence: nextSequence, key: UInt32(truncatingIfNeeded: random.next()), into: &outbox)
        nextSequence += 1
        remaining -= 1
        sentAt.append(NIODeadline.now())
    }

    mutating func finishRun() {
        phase = .open
        deadline = .distantFuture
    }

    mutating func writeClose(code: UInt16) {
        MaskedFrame.write(opcode: .connectionClose, key: UInt32(truncatingIfNeeded: random.next()), count: 2, into: &outbox) {
            $0.storeBytes(of: code.bigEndian, as: UInt16.self)
        }
    }
}

/// What every lane of a run shares.
struct EchoShared: Sendable {
    let target: BenchTarget
    let payload: Payload
    let maxMessage: Int
    let request: UpgradeRequest
    let depth: Int
    let inboxCapacity: Int
    let outboxCapacity: Int

    init(plan: BenchPlan) {
        target = plan.target
        payload = Payload(size: plan.size, binary: plan.binary)
        maxMessage = plan.maxMessage
        request = UpgradeRequest(target: plan.target)
        depth = max(1, plan.depth)
        let frame = MaskedFrame.maxHeader + plan.size
        // Room for a whole echo and then some, so that a large message comes in a few large
        // reads rather than many small ones; beyond 4 MiB the inbox grows as a message arrives.
        inboxCapacity = min(frame, 4 << 20) + 4096
        outboxCapacity = min(frame * depth, 4 << 20) + 64
    }
}
#endif
