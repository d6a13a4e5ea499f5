#if os(Linux)
import Glibc
import NIOCore

/// One plain-socket WebSocket connection as every lane has it, whatever it measures: the socket,
/// where it is in its life, the bytes read and not yet used, the bytes not yet written, and the
/// `Sec-WebSocket-Accept` the server must answer with. What the lane does with the connection is
/// `SocketLane`'s; this holds only what does not depend on the mode.
///
/// Buffers and the expected accept value live as long as the lane, and a new connection reuses
/// them: in the steady state neither a message nor a churn cycle allocates.
struct LaneConnection: Sendable {
    /// open: upgraded and quiet (echo between runs); running: the lane's work is under way
    /// (echoes outstanding, a stream being read, churn's one echo); idle: not connected yet, or
    /// (churn) between cycles.
    enum Phase { case idle, upgrading, open, running, closing, closed }

    var phase = Phase.idle
    /// When the current step gives up (churn, while idle: when to start the next cycle).
    var deadline = NIODeadline.distantFuture
    /// Why the connection could not open. Set-up failures stop a run before it starts, so they
    /// are not tallied.
    private(set) var failure: String?
    private var fd: Int32 = -1
    private(set) var writeWanted = false
    var reader = ServerFrameReader()
    private(set) var outbox = ByteBuffer()
    private(set) var random = FastRandom()
    private var accept = [UInt8](repeating: 0, count: HandshakeKey.acceptLength)
    /// Room a read asks for: a stream's pushes come faster in large reads.
    private let readRoom: Int

    init(inboxCapacity: Int, outboxCapacity: Int, readRoom: Int = 4096) {
        reader.inbox.reserveCapacity(inboxCapacity)
        outbox.reserveCapacity(outboxCapacity)
        self.readRoom = readRoom
    }

    var isOpen: Bool { fd >= 0 }

    /// Waiting for the server, so in `poll` with a deadline.
    var isBusy: Bool { phase == .upgrading || phase == .running || phase == .closing }

    /// The socket and what to wait for; a negative fd is skipped by `poll`.
    var pollRequest: pollfd {
        pollfd(fd: fd, events: Int16(POLLIN) | (writeWanted ? Int16(POLLOUT) : 0), revents: 0)
    }

    /// Starts connecting to `endpoint` from connection `number`'s source address, with the
    /// upgrade request (a fresh key) queued; the handshake gets 10 s. The error when the socket
    /// could not even be made or bound.
    mutating func connect(_ endpoint: LaneEndpoint, number: Int, now: NIODeadline) -> RawSocket.Errno? {
        switch RawSocket.connect(to: endpoint.target.address, from: endpoint.target.source(number)) {
        case .failure(let error): return error
        case .success(let socket): fd = socket
        }
        writeWanted = false
        reader.reset()
        outbox.clear()
        endpoint.request.write(into: &outbox, random: &random, accept: &accept)
        phase = .upgrading
        deadline = now + .seconds(10)
        return nil
    }

    /// Writes what is queued; waits for POLLOUT only while the socket is full.
    mutating func flush() -> RawSocket.Errno? {
        switch RawSocket.flush(fd, &outbox) {
        case .done: writeWanted = false
        case .full: writeWanted = true
        case .failed(let error): return error
        }
        return nil
    }

    /// One read into the inbox: `poll` reports the socket again while bytes remain.
    mutating func receive() -> RawSocket.Received {
        RawSocket.receive(fd, into: &reader.inbox, atLeast: readRoom)
    }

    /// Checks the server's answer to the upgrade once its head is complete.
    mutating func upgrade() -> ServerFrameReader.Head {
        let head = reader.head(expectedAccept: accept)
        if case .accepted = head {
            phase = .open
            deadline = .distantFuture
        }
        return head
    }

    /// Closes the socket. A problem before the connection opened becomes its `failure`; one
    /// while running is returned, for the lane to count; any other is the run being over.
    @discardableResult
    mutating func close(_ problem: String? = nil) -> String? {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        writeWanted = false
        var counted: String?
        if let problem {
            switch phase {
            case .idle, .upgrading: failure = failure ?? problem
            case .running: counted = problem
            case .open, .closing, .closed: break
            }
        }
        phase = .closed
        deadline = .distantFuture
        return counted
    }

    /// Queues message `sequence` of `payload`, masked with a fresh key.
    mutating func queue(_ payload: Payload, sequence: UInt64) {
        payload.write(sequence: sequence, key: UInt32(truncatingIfNeeded: random.next()), into: &outbox)
    }

    mutating func queuePong(_ data: ByteBuffer) {
        MaskedFrame.write(opcode: .pong, key: UInt32(truncatingIfNeeded: random.next()), payload: data, into: &outbox)
    }

    mutating func queueClose(code: UInt16) {
        MaskedFrame.write(opcode: .connectionClose, key: UInt32(truncatingIfNeeded: random.next()), count: 2, into: &outbox) {
            $0.storeBytes(of: code.bigEndian, as: UInt16.self)
        }
    }
}
#endif
