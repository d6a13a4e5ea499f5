#if os(Linux)
import Glibc
import NIOCore

/// One churn lane driven by `ChurnLoop`: connect, handshake, one echo, close handshake, wait for
/// the server to drop the connection; the loop then starts the next cycle. The same checks as
/// the NIO path (`Connector`, `EchoDriver`): a fresh key and `Sec-WebSocket-Accept` checked per
/// connection, every frame masked with a fresh key, every echoed byte compared.
///
/// Buffers and the expected accept value live as long as the lane, so a cycle allocates nothing
/// in the usual case.
struct ChurnLane {
    enum Phase { case idle, upgrading, echoing, closing, done }

    private(set) var phase = Phase.idle
    /// Idle: when to start the next cycle; otherwise when the current step gives up.
    private(set) var deadline = NIODeadline.uptimeNanoseconds(0)
    private var fd: Int32 = -1
    /// Connection number: picks the source address and stamps the message.
    private var number: Int
    private let stride: Int
    private var began = NIODeadline.uptimeNanoseconds(0)
    private var sentAt = NIODeadline.uptimeNanoseconds(0)
    var reader = ServerFrameReader()
    var outbox = ByteBuffer()
    private var writeWanted = false
    private var accept = [UInt8](repeating: 0, count: HandshakeKey.acceptLength)
    var random = FastRandom()

    init(number: Int, stride: Int) {
        self.number = number
        self.stride = stride
        reader.inbox.reserveCapacity(4096)
        outbox.reserveCapacity(512)
    }

    var sequence: UInt64 { UInt64(number) }
    var isOpen: Bool { fd >= 0 }

    mutating func start(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        guard now < shared.stop else {
            phase = .done
            return
        }
        number += stride
        began = now
        switch RawSocket.connect(to: shared.target.address, from: shared.target.source(number)) {
        case .failure(let error):
            end(now, &tally, failure: "connect: \(error)")
            return
        case .success(let socket):
            fd = socket
        }
        writeWanted = false
        reader.reset()
        outbox.clear()
        shared.request.write(into: &outbox, random: &random, accept: &accept)
        phase = .upgrading
        deadline = now + .seconds(10)
        // On loopback the connection is usually up when connect returns, so write at once
        // rather than wait for a POLLOUT wake-up; EAGAIN just means it was not.
        flush(shared, &tally, now: now)
    }

    /// The socket and what to wait for, for `poll`; a negative fd is skipped.
    var pollRequest: pollfd {
        pollfd(fd: fd, events: Int16(POLLIN) | (writeWanted ? Int16(POLLOUT) : 0), revents: 0)
    }

    /// What `poll` reported for this lane's socket.
    mutating func handle(_ events: Int16, _ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        if events & Int16(POLLOUT) != 0 && isOpen { flush(shared, &tally, now: now) }
        if events & ~Int16(POLLOUT) != 0 && isOpen { readable(shared, &tally, now: now) }
    }

    /// The current step's deadline passed.
    mutating func expire(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        switch phase {
        case .upgrading: end(now, &tally, failure: "no handshake answer within 10 s")
        case .echoing: end(now, &tally, failure: "gave up waiting: 1 echo(es) outstanding")
        case .closing: end(now, &tally, failure: nil)  // as the NIO path: close anyway, the cycle counts
        case .idle, .done: break
        }
    }

    /// One read: `poll` reports the socket again while bytes remain.
    private mutating func readable(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        switch RawSocket.receive(fd, into: &reader.inbox, atLeast: 4096) {
        case .nothing: return
        case .failed(let error):
            end(now, &tally, failure: "\(phase == .upgrading ? "connecting" : "reading"): \(error)")
            return
        case .closed:
            switch phase {
            case .closing: end(now, &tally, failure: nil)
            case .upgrading: end(now, &tally, failure: "handshake: connection closed during the handshake")
            default: end(now, &tally, failure: "connection closed with 1 echo(es) outstanding")
            }
            return
        case .bytes: break
        }
        if phase == .upgrading {
            guard upgraded(shared, &tally, now: now) else { return }
        }
        frames(shared, &tally, now: now)
        reader.compact()
    }

    /// Checks the 101 once its head is complete, then sends the message; false while waiting for
    /// more, or after failing.
    private mutating func upgraded(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) -> Bool {
        switch reader.head(expectedAccept: accept) {
        case .needMore: return false
        case .problem(let problem):
            end(now, &tally, failure: "handshake: \(problem)")
            return false
        case .accepted: break
        }
        shared.payload.write(sequence: sequence, key: UInt32(truncatingIfNeeded: random.next()), into: &outbox)
        phase = .echoing
        sentAt = NIODeadline.now()
        deadline = sentAt + .seconds(5)
        flush(shared, &tally, now: now)
        return isOpen
    }

    /// Writes what is queued; waits for POLLOUT only while the socket is full.
    mutating func flush(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        switch RawSocket.flush(fd, &outbox) {
        case .done: writeWanted = false
        case .full: writeWanted = true
        case .failed(let error): end(now, &tally, failure: "\(phase == .upgrading ? "connecting" : "writing"): \(error)")
        }
    }

    /// Closes the socket and counts the cycle or the failure; a failed
    /// cycle waits 1 ms before the next, so that a refused connect does not spin.
    mutating func end(_ now: NIODeadline, _ tally: inout ChurnTally, failure: String?) {
        if fd >= 0 { close(fd) }
        fd = -1
        phase = .idle
        if let failure {
            tally.counts.error(failure)
            deadline = now + .milliseconds(1)
        } else {
            tally.cycles.record(UInt64(max(0, (now - began).nanoseconds)))
            deadline = now
        }
    }

    /// A verified echo (or not), then close 1000.
    mutating func echoed(opcode: UInt8, data: ByteBuffer, masked: Bool, _ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        let payload = shared.payload
        if opcode == UInt8(webSocketOpcode: payload.opcode), !masked, payload.matches(data, sequence: sequence) {
            tally.counts.echoes += 1
            tally.counts.windowMessages += 1
            tally.counts.windowBytes += payload.size
            tally.counts.latency.record(UInt64(max(0, (now - sentAt).nanoseconds)))
            if now > tally.counts.lastEcho { tally.counts.lastEcho = now }
        } else {
            tally.counts.mismatch(
                "message #\(sequence): sent \(payload.size) bytes as \(payload.opcode), got \(data.readableBytes) bytes as opcode \(opcode)"
                    + (masked ? ", masked (servers must not mask)" : "") + ", content differs")
        }
        MaskedFrame.write(opcode: .connectionClose, key: UInt32(truncatingIfNeeded: random.next()), count: 2, into: &outbox) {
            $0.storeBytes(of: UInt16(1000).bigEndian, as: UInt16.self)
        }
        phase = .closing
        deadline = now + .seconds(1)
        flush(shared, &tally, now: now)
    }
}
#endif
