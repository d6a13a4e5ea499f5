#if os(Linux)
import Glibc
import NIOCore

/// One connection of stream mode on a plain socket, driven by `StreamLoop`: connect and
/// handshake (a fresh key, `Sec-WebSocket-Accept` checked), then read whatever the server pushes,
/// counting messages and payload bytes while `counting`, then the close handshake. Sends nothing
/// but pongs and the close. Every frame is checked as in the echo modes (`ServerFrameReader`:
/// unmasked, no reserved bits, fragments joined); with an expected size, every message must have
/// exactly that many bytes or it is a mismatch.
struct StreamLane: Sendable {
    enum Phase { case idle, upgrading, open, closing, closed }

    private(set) var phase = Phase.idle
    /// When the current step gives up: the handshake, or the wait for the server's close.
    private(set) var deadline = NIODeadline.distantFuture
    private var fd: Int32 = -1
    let index: Int
    /// Why it could not open. Set-up failures stop the run before it starts, so are not tallied.
    private(set) var failure: String?
    private var writeWanted = false
    private var reader = ServerFrameReader()
    private var outbox = ByteBuffer()
    private var random = FastRandom()
    private var accept = [UInt8](repeating: 0, count: HandshakeKey.acceptLength)
    /// Messages and their payload bytes are counted only while this is set (the window).
    var counting = false
    private(set) var bytes = 0

    init(index: Int) {
        self.index = index
        reader.inbox.reserveCapacity(256 * 1024)
        outbox.reserveCapacity(512)
    }

    /// Waiting for the server: in `poll`.
    var isWaiting: Bool { phase == .upgrading || phase == .open || phase == .closing }

    var pollRequest: pollfd {
        pollfd(fd: fd, events: Int16(POLLIN) | (writeWanted ? Int16(POLLOUT) : 0), revents: 0)
    }

    mutating func open(_ shared: StreamShared, now: NIODeadline, _ tally: inout LoopTally.Snapshot) {
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
        flush(&tally)
    }

    /// Sends close 1000 and reads on (discarding) until the server answers and drops the TCP
    /// connection, or `deadline`.
    mutating func beginClose(until deadline: NIODeadline, _ tally: inout LoopTally.Snapshot) {
        guard phase == .open else { return }
        counting = false
        MaskedFrame.write(opcode: .connectionClose, key: UInt32(truncatingIfNeeded: random.next()), count: 2, into: &outbox) {
            $0.storeBytes(of: UInt16(1000).bigEndian, as: UInt16.self)
        }
        phase = .closing
        self.deadline = deadline
        flush(&tally)
    }

    mutating func handle(_ events: Int16, _ shared: StreamShared, _ tally: inout LoopTally.Snapshot) {
        if events & Int16(POLLOUT) != 0 && fd >= 0 { flush(&tally) }
        if events & ~Int16(POLLOUT) != 0 && fd >= 0 { readable(shared, &tally) }
    }

    mutating func expire(_ tally: inout LoopTally.Snapshot) {
        switch phase {
        case .upgrading: end("handshake: no answer within 10 s", &tally)
        case .closing: end(nil, &tally)  // as the echo lanes: close anyway, not an error
        case .idle, .open, .closed: break
        }
    }

    private mutating func readable(_ shared: StreamShared, _ tally: inout LoopTally.Snapshot) {
        switch RawSocket.receive(fd, into: &reader.inbox, atLeast: 64 * 1024) {
        case .nothing: return
        case .failed(let error):
            end("\(phase == .upgrading ? "connecting" : "reading"): \(error)", &tally)
            return
        case .closed:
            end(phase == .closing ? nil : "server closed the connection \(phase == .upgrading ? "during the handshake" : "during the run")", &tally)
            return
        case .bytes: break
        }
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
        frames(shared, &tally)
        reader.compact()
        if fd >= 0 && !writeWanted && outbox.readableBytes > 0 { flush(&tally) }
    }

    private mutating func frames(_ shared: StreamShared, _ tally: inout LoopTally.Snapshot) {
        while fd >= 0 {
            switch reader.next(maxPayload: shared.maxMessage) {
            case .needMore: return
            case .invalid(let problem):
                end(problem, &tally)
                return
            case .message(_, let data, let masked):
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
            case .ping(let data):
                MaskedFrame.write(opcode: .pong, key: UInt32(truncatingIfNeeded: random.next()), payload: data, into: &outbox)
            case .close(let code):
                if phase == .open {
                    // The server ended the stream: an error while reading, answered all the same.
                    MaskedFrame.write(opcode: .connectionClose, key: UInt32(truncatingIfNeeded: random.next()), count: 2, into: &outbox) {
                        $0.storeBytes(of: (code ?? 1000).bigEndian, as: UInt16.self)
                    }
                    flush(&tally)
                    end("server closed with \(code.map(String.init) ?? "no code") during the run", &tally)
                }
            case .pong: break
            case .unexpected(let what): tally.mismatch(what)
            }
        }
    }

    private mutating func flush(_ tally: inout LoopTally.Snapshot) {
        switch RawSocket.flush(fd, &outbox) {
        case .done: writeWanted = false
        case .full: writeWanted = true
        case .failed(let error): end("\(phase == .upgrading ? "connecting" : "writing"): \(error)", &tally)
        }
    }

    /// Closes the socket. A problem while opening is the lane's set-up failure; while open it is
    /// an error; while closing it is not.
    mutating func end(_ problem: String?, _ tally: inout LoopTally.Snapshot) {
        if fd >= 0 { close(fd) }
        fd = -1
        if let problem {
            switch phase {
            case .idle, .upgrading: failure = failure ?? problem
            case .open: tally.error(problem)
            case .closing, .closed: break
            }
        }
        phase = .closed
        counting = false
        deadline = .distantFuture
        writeWanted = false
    }
}

/// What every stream lane shares.
struct StreamShared: Sendable {
    let target: BenchTarget
    let request: UpgradeRequest
    let maxMessage: Int
    /// Expected payload bytes of every message; 0: any.
    let size: Int

    init(plan: BenchPlan) {
        target = plan.target
        request = UpgradeRequest(target: plan.target)
        maxMessage = plan.maxMessage
        size = plan.size
    }
}
#endif
