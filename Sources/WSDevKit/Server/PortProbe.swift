#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Whether a port is free, asked before `Listener` binds it once per event loop.
///
/// Those binds share the port with `SO_REUSEPORT`, which would also let a second wsdev (or any
/// program of the same user that asks for it) bind the same port and quietly take half of the
/// connections. A plain bind, as every other server makes, fails while anyone listens there,
/// so the probe turns that case back into "port in use".
enum PortProbe {
    static func check(host: String, port: Int) throws {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let descriptor = socket(Int32(address.protocol.rawValue), Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        defer { close(descriptor) }
        var one: Int32 = 1  // as the listeners: a port left in TIME_WAIT is free
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = address.withSockAddr { bind(descriptor, $0, socklen_t($1)) }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
    }

    /// The first port after `port` that every one of `hosts` has free right now, for the message
    /// about a busy port; a host this machine lacks (no IPv6) does not count against a port.
    static func freePort(after port: Int, hosts: [String], tries: Int = 100) -> Int? {
        let candidates = (port + 1...min(port + tries, 65535)).filter { $0 >= 1024 }
        return candidates.first { candidate in
            hosts.allSatisfy { host in
                do {
                    try check(host: host, port: candidate)
                    return true
                } catch let error as IOError {
                    return [EADDRNOTAVAIL, EAFNOSUPPORT].contains(error.errnoCode)
                } catch {
                    return true
                }
            }
        }
    }
}
