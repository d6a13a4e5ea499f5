#if os(Linux)
import Glibc
import NIOCore

/// Non-blocking TCP client sockets straight from the C library, for the plain-socket lanes: NIO's
/// `ClientBootstrap` spends most of a churn connection's client CPU building and tearing down a
/// channel, its pipeline, promises and selector registration, and its channel machinery most of
/// an echo's (see `LaneGroup`).
enum RawSocket {
    /// A socket connecting to `address`, bound to `source`'s address first when given; the fd,
    /// or the errno of what failed. A connect still under way is not a failure.
    static func connect(to address: SocketAddress, from source: SocketAddress?) -> Result<Int32, Errno> {
        let fd = socket(address.protocol.rawValue, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(Errno.current) }
        var one: Int32 = 1
        // Each write is a whole message sent after the previous answer, so Nagle rarely waits;
        // but a large message's last segment could meet the server's delayed ACK (40 ms).
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let source {
            // The port is picked at connect time, per destination, so that each source does not
            // run out of ports at 28k (IP_BIND_ADDRESS_NO_PORT).
            _ = setsockopt(fd, Int32(IPPROTO_IP), 24, &one, socklen_t(MemoryLayout<Int32>.size))
            let bound = source.withSockAddr { bind(fd, $0, socklen_t($1)) }
            guard bound == 0 else { return closing(fd) }
        }
        let connected = address.withSockAddr { Glibc.connect(fd, $0, socklen_t($1)) }
        guard connected == 0 || errno == EINPROGRESS else { return closing(fd) }
        return .success(fd)
    }

    enum Flushed { case done, full, failed(Errno) }

    /// Sends what `outbox` holds; `.full` when the socket buffer filled first, and the rest stays
    /// queued for POLLOUT.
    static func flush(_ fd: Int32, _ outbox: inout ByteBuffer) -> Flushed {
        while outbox.readableBytes > 0 {
            let written = outbox.withUnsafeReadableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                outbox.moveReaderIndex(forwardBy: written)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return .full
            } else {
                return .failed(.current)
            }
        }
        outbox.clear()
        return .done
    }

    enum Received { case bytes, nothing, closed, failed(Errno) }

    /// One read into `inbox`, as much as its free space takes (at least `atLeast` bytes of room):
    /// `.nothing` when no byte was ready.
    static func receive(_ fd: Int32, into inbox: inout ByteBuffer, atLeast: Int) -> Received {
        var failure: Int32 = 0
        let count = inbox.writeWithUnsafeMutableBytes(minimumWritableBytes: atLeast) { raw in
            let count = read(fd, raw.baseAddress, raw.count)
            if count < 0 { failure = errno }
            return max(0, count)
        }
        if failure == EAGAIN || failure == EWOULDBLOCK || failure == EINTR { return .nothing }
        if failure != 0 { return .failed(Errno(code: failure)) }
        return count == 0 ? .closed : .bytes
    }

    private static func closing(_ fd: Int32) -> Result<Int32, Errno> {
        let error = Errno.current
        close(fd)
        return .failure(error)
    }

    /// An errno value that prints as its meaning. A broken pipe or a reset means the server
    /// closed the connection, which may happen before its close frame is read; it says so.
    struct Errno: Error, CustomStringConvertible {
        let code: Int32
        static var current: Errno { Errno(code: errno) }
        var description: String {
            let meaning = String(cString: strerror(code))
            return code == EPIPE || code == ECONNRESET ? "server closed the connection (\(meaning))" : meaning
        }
    }
}
#endif
