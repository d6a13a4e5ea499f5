import Foundation
import Logging
import NIOCore
import Synchronization

/// How many connections the server keeps at once, in all and per client address, so that one
/// device in a room cannot take every descriptor from the others. Loopback clients (this
/// machine's own browsers, tools and benchmarks) count only toward the total.
final class ConnectionLimits: Sendable {
    let total: Int
    let perAddress: Int
    private let open = Atomic<Int>(0)
    private let byAddress = Mutex<[String: Int]>([:])
    /// When the last refusal was logged: a flood of them gets one line a second.
    private let lastLogged = Mutex<ContinuousClock.Instant?>(nil)

    init(total: Int, perAddress: Int) {
        self.total = total
        self.perAddress = perAddress
    }

    /// The default total: the descriptors this process may open, less a reserve for files and
    /// handler pipes.
    static func defaultTotal(descriptorLimit: Int) -> Int {
        max(64, descriptorLimit - max(256, descriptorLimit / 8))
    }

    /// Counts a new connection until it closes; nil when it may stay, otherwise the refusal.
    func admit(_ channel: any Channel) -> UpgradeRefusal? {
        guard open.add(1, ordering: .relaxed).newValue <= total else {
            open.subtract(1, ordering: .relaxed)
            return UpgradeRefusal(
                status: .serviceUnavailable,
                message: "wsdev has \(total) connections open, its limit; try again shortly (--max-connections sets the limit).")
        }
        // Read from the address's bytes: formatting it (inet_ntop, sprintf) was a visible share of
        // every connection's cost (Benchmarks/README, "What limits wsdev", 8), and loopback
        // clients, nearly all of them, are not counted.
        let counted = channel.remoteAddress.flatMap { Self.isLoopback($0) ? nil : $0.ipAddress }
        if let counted {
            let over = byAddress.withLock { counts in
                let next = (counts[counted] ?? 0) + 1
                guard next <= perAddress else { return true }
                counts[counted] = next
                return false
            }
            if over {
                open.subtract(1, ordering: .relaxed)
                return UpgradeRefusal(
                    status: .serviceUnavailable,
                    message: "\(counted) already has \(perAddress) connections open here, the limit for one address; close some and try again (--max-connections-per-address sets it).")
            }
        }
        channel.closeFuture.whenComplete { [self] _ in
            open.subtract(1, ordering: .relaxed)
            if let counted {
                byAddress.withLock { counts in
                    let left = (counts[counted] ?? 1) - 1
                    counts[counted] = left > 0 ? left : nil
                }
            }
        }
        return nil
    }

    /// Whether a refusal should be logged now (at most one line a second).
    func shouldLog() -> Bool {
        lastLogged.withLock { last in
            let now = ContinuousClock.now
            if let last, now - last < .seconds(1) { return false }
            last = now
            return true
        }
    }

    /// 127.0.0.0/8, ::1, and 127.0.0.0/8 mapped into IPv6 (::ffff:127.x.x.x).
    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { bytes in
                let zeroes = bytes.prefix(10).allSatisfy { $0 == 0 }
                let one = zeroes && bytes[10...14].allSatisfy { $0 == 0 } && bytes[15] == 1
                let mapped = zeroes && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
                return one || mapped
            }
        case .unixDomainSocket:
            return true
        }
    }

    /// Raises this process's descriptor limit to the most it may have, as a server that holds
    /// thousands of connections needs (Go's runtime does the same); returns the limit in force.
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Self.nofile, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Self.nofile, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    #if os(Linux)
    private static let nofile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let nofile = RLIMIT_NOFILE
    #endif
}
