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
    var inbox = ByteBuffer()
    var outbox = ByteBuffer()
    var fragments: (opcode: UInt8, data: ByteBuffer)?
    private var writeWanted = false
    private var accept = [UInt8](repeating: 0, count: HandshakeKey.acceptLength)
    var random = FastRandom()

    init(number: Int, stride: Int) {
        self.number = number
        self.stride = stride
        inbox.reserveCapacity(4096)
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
        inbox.clear()
        outbox.clear()
        fragments = nil
        outbox.writeBytes(shared.requestHead)
        outbox.writeWithUnsafeMutableBytes(minimumWritableBytes: HandshakeKey.keyLength) { key in
            accept.withUnsafeMutableBytes { HandshakeKey.make(random: &random, key: key, accept: $0) }
            return HandshakeKey.keyLength
        }
        outbox.writeBytes(shared.requestTail)
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
        let fd = self.fd
        var failure: Int32 = 0
        let count = inbox.writeWithUnsafeMutableBytes(minimumWritableBytes: 4096) { raw in
            let count = read(fd, raw.baseAddress, raw.count)
            if count < 0 { failure = errno }
            return max(0, count)
        }
        if failure == EAGAIN || failure == EWOULDBLOCK || failure == EINTR { return }
        if failure != 0 {
            end(now, &tally, failure: "\(phase == .upgrading ? "connecting" : "reading"): \(RawSocket.Errno(code: failure))")
            return
        }
        if count == 0 {
            switch phase {
            case .closing: end(now, &tally, failure: nil)
            case .upgrading: end(now, &tally, failure: "handshake: connection closed during the handshake")
            default: end(now, &tally, failure: "connection closed with 1 echo(es) outstanding")
            }
            return
        }
        if phase == .upgrading {
            guard upgraded(shared, &tally, now: now) else { return }
        }
        frames(shared, &tally, now: now)
        if inbox.readableBytes == 0 { inbox.clear() } else { inbox.discardReadBytes() }
    }

    /// Parses the 101 once its head is complete; false while waiting for more, or after failing.
    private mutating func upgraded(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) -> Bool {
        let accept = self.accept
        let outcome: (length: Int, problem: String?)? = inbox.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 4 else { return nil }
            for end in 3..<bytes.count where bytes[end] == 10 && bytes[end - 1] == 13 && bytes[end - 2] == 10 && bytes[end - 3] == 13 {
                let head = UnsafeRawBufferPointer(rebasing: bytes[0..<(end + 1)])
                return (end + 1, accept.withUnsafeBytes { UpgradeCheck.problem(head: head, expectedAccept: $0) })
            }
            return nil
        }
        guard let outcome else {
            if inbox.readableBytes > 16 * 1024 { end(now, &tally, failure: "handshake: response head over 16384 bytes") }
            return false
        }
        if let problem = outcome.problem {
            end(now, &tally, failure: "handshake: \(problem)")
            return false
        }
        inbox.moveReaderIndex(forwardBy: outcome.length)
        shared.payload.write(sequence: sequence, key: UInt32(truncatingIfNeeded: random.next()), into: &outbox)
        phase = .echoing
        sentAt = NIODeadline.now()
        deadline = sentAt + .seconds(5)
        flush(shared, &tally, now: now)
        return isOpen
    }

    /// Writes what is queued; waits for POLLOUT only while the socket is full.
    mutating func flush(_ shared: ChurnShared, _ tally: inout ChurnTally, now: NIODeadline) {
        let fd = self.fd
        while outbox.readableBytes > 0 {
            let written = outbox.withUnsafeReadableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                outbox.moveReaderIndex(forwardBy: written)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                writeWanted = true
                return
            } else {
                end(now, &tally, failure: "\(phase == .upgrading ? "connecting" : "writing"): \(RawSocket.Errno.current)")
                return
            }
        }
        outbox.clear()
        writeWanted = false
    }

    /// Closes the socket and counts the cycle or the failure; a failed
    /// cycle waits 1 ms before the next, so that a refused connect does not spin.
    mutating func end(_ now: NIODeadline, _ tally: inout ChurnTally, failure: String?) {
        if fd >= 0 { close(fd) }
        fd = -1
        phase = .idle
        fragments = nil
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
