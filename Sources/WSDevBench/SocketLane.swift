#if os(Linux)
import Glibc
import NIOCore

/// A plain-socket lane: one connection at a time on a `LaneConnection`, driven by a `LaneGroup`'s
/// poll loop. What every mode does alike is here, written once: writing the upgrade request at
/// once, checking the 101, reading frames (`ServerFrameReader`), answering pings, the close
/// handshake, and what a failure in each phase means. A mode supplies what it sends and what it
/// makes of a message (`EchoLane`, `StreamLane`, `ChurnLane`).
protocol SocketLane: Sendable {
    associatedtype Shared: LaneShared
    associatedtype Tally: LaneTally

    var connection: LaneConnection { get set }
    /// Starts a connection (churn: the next cycle's).
    mutating func open(_ shared: Shared, now: NIODeadline, _ tally: inout Tally)
    /// The server's 101 arrived and was right.
    mutating func upgraded(_ shared: Shared, _ tally: inout Tally, now: NIODeadline)
    /// A whole message from the server (fragments joined), read at `now`.
    mutating func received(opcode: UInt8, data: ByteBuffer, masked: Bool, _ shared: Shared, _ tally: inout Tally, now: NIODeadline)
    /// Closes the socket and counts what `problem` means in the current phase; nil when the
    /// connection ended as it should.
    mutating func end(_ problem: String?, _ tally: inout Tally)
    /// The current step's deadline passed; `timeOut` is what that means for every mode.
    mutating func expire(_ shared: Shared, _ tally: inout Tally)
    /// Waiting for the server, so in `poll`.
    var isWaiting: Bool { get }
    /// Messages sent whose answer has not come (what a failure while running leaves undone).
    var outstanding: Int { get }
}

/// What the lanes of a run share: `endpoint`, and whatever the mode adds.
protocol LaneShared: Sendable {
    var endpoint: LaneEndpoint { get }
}

extension SocketLane {
    var phase: LaneConnection.Phase { connection.phase }
    var deadline: NIODeadline { connection.deadline }
    var failure: String? { connection.failure }
    var pollRequest: pollfd { connection.pollRequest }
    var isUpgrading: Bool { connection.phase == .upgrading }
    var isWaiting: Bool { connection.isBusy }
    var outstanding: Int { 0 }

    mutating func expire(_ shared: Shared, _ tally: inout Tally) { timeOut(&tally) }

    /// Connects, and writes the request at once rather than after a POLLOUT wake-up: on loopback
    /// the connection is usually up when connect returns, and EAGAIN just means it was not.
    mutating func connect(_ shared: Shared, number: Int, now: NIODeadline, _ tally: inout Tally) -> RawSocket.Errno? {
        if let error = connection.connect(shared.endpoint, number: number, now: now) { return error }
        flush(&tally)
        return nil
    }

    /// What `poll` reported.
    mutating func handle(_ events: Int16, _ shared: Shared, _ tally: inout Tally) {
        if events & Int16(POLLOUT) != 0 && connection.isOpen { flush(&tally) }
        if events & ~Int16(POLLOUT) != 0 && connection.isOpen { readable(shared, &tally) }
    }

    mutating func flush(_ tally: inout Tally) {
        if let error = connection.flush() { end("\(isUpgrading ? "connecting" : "writing"): \(error)", &tally) }
    }

    /// Sends close `code` and waits for the server to answer and drop the TCP connection (it
    /// closes first, so TIME_WAIT stays on its side), until `deadline`.
    mutating func beginClose(code: UInt16 = 1000, until deadline: NIODeadline, _ tally: inout Tally) {
        guard phase == .open || phase == .running else { return }
        connection.queueClose(code: code)
        connection.phase = .closing
        connection.deadline = deadline
        flush(&tally)
    }

    /// The deadline of the handshake, of the lane's work or of the close passed.
    mutating func timeOut(_ tally: inout Tally) {
        switch phase {
        case .upgrading: end("handshake: no answer within 10 s", &tally)
        case .running: end("gave up waiting: \(outstanding) echo(es) outstanding", &tally)
        case .closing: end(nil, &tally)  // close anyway: not an error
        case .idle, .open, .closed: break
        }
    }

    /// One read, and whatever it completes; what was queued on the way leaves in one write.
    private mutating func readable(_ shared: Shared, _ tally: inout Tally) {
        switch connection.receive() {
        case .nothing: return
        case .failed(let error):
            end("\(isUpgrading ? "connecting" : "reading"): \(error)", &tally)
            return
        case .closed:
            end(dropped, &tally)
            return
        case .bytes: break
        }
        let now = NIODeadline.now()
        if isUpgrading {
            switch connection.upgrade() {
            case .needMore: return
            case .problem(let problem):
                end("handshake: \(problem)", &tally)
                return
            case .accepted: upgraded(shared, &tally, now: now)
            }
        }
        frames(shared, &tally, now: now)
        connection.reader.compact()
        if connection.isOpen && !connection.writeWanted && connection.outbox.readableBytes > 0 { flush(&tally) }
    }

    /// What the server dropping TCP means now: expected only while closing, or between runs.
    private var dropped: String? {
        switch phase {
        case .upgrading: "handshake: connection closed during the handshake"
        case .running where outstanding > 0: "connection closed with \(outstanding) echo(es) outstanding"
        case .running: "server closed the connection during the run"
        case .idle, .open, .closing, .closed: nil
        }
    }

    private mutating func frames(_ shared: Shared, _ tally: inout Tally, now: NIODeadline) {
        while connection.isOpen {
            switch connection.reader.next(maxPayload: shared.endpoint.maxMessage) {
            case .needMore: return
            case .invalid(let problem):
                end(problem, &tally)
                return
            case .message(let opcode, let data, let masked):
                received(opcode: opcode, data: data, masked: masked, shared, &tally, now: now)
            case .ping(let data): connection.queuePong(data)
            case .close(let code): serverClosed(code: code, &tally, now: now)
            case .pong: break
            case .unexpected(let what): tally.mismatch(what)
            }
        }
    }

    /// While running, the server's close is an error, answered all the same; between runs it is
    /// answered (RFC 6455 §5.5.1) and the lane waits for the TCP close; while closing it is the
    /// answer awaited.
    private mutating func serverClosed(code: UInt16?, _ tally: inout Tally, now: NIODeadline) {
        switch phase {
        case .running:
            connection.queueClose(code: code ?? 1000)
            flush(&tally)
            end("server closed with \(code.map(String.init) ?? "no code") during the run", &tally)
        case .open:
            beginClose(code: code ?? 1000, until: now + .seconds(1), &tally)
        case .idle, .upgrading, .closing, .closed:
            break
        }
    }
}

/// Where every lane of a run connects and what it accepts: the target, the upgrade request
/// (built once: only the key differs between connections), and the largest message.
struct LaneEndpoint: Sendable {
    let target: BenchTarget
    let request: UpgradeRequest
    let maxMessage: Int

    init(plan: BenchPlan) {
        target = plan.target
        request = UpgradeRequest(target: plan.target)
        maxMessage = plan.maxMessage
    }
}
#endif
