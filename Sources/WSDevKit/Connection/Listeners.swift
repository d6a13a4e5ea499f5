import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Binds one HTTP server per host on the same port; the first bind picks the port when asked for 0.
struct Listeners: Service {
    let hosts: [String]
    let port: Int
    let loops: any EventLoopGroup
    /// Hosts whose absence is survivable, e.g. `::1` on a machine without IPv6, or `0.0.0.0` when
    /// a dual-stack `::` already took IPv4 too.
    let optionalHosts: Set<String>
    let route: ConnectionPipeline
    let http: HTTP1Channel
    let logger: Logger
    let onReady: @Sendable (_ hosts: [String], _ port: Int) async -> Void

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var port = self.port
            var bound: [String] = []
            var skipped: StartupError?
            for host in hosts {
                do {
                    port = try await start(host: host, port: port, in: &group)
                    bound.append(host)
                } catch let error as StartupError where optionalHosts.contains(host) && Self.survivable(error, bound: bound) {
                    logger.debug("not listening on \(host): \(error)")
                    skipped = skipped ?? error
                }
            }
            if bound.isEmpty, let skipped { throw skipped }
            await onReady(bound, port)
            try await group.waitForAll()
        }
    }

    /// Binds `host` once per event loop (see `Listener`); the first bind picks the port when asked for 0.
    private func start(host: String, port: Int, in group: inout ThrowingTaskGroup<Void, any Error>) async throws -> Int {
        var listeners: [Listener] = []
        do {
            if port != 0 { try PortProbe.check(host: host, port: port) }
            var port = port
            for loop in loops.makeIterator() {
                let listener = try await Listener.bind(host: host, port: port, on: loop, route: route, http: http, logger: logger)
                listeners.append(listener)
                port = listener.channel.localAddress?.port ?? port
            }
        } catch {
            for listener in listeners { try? await listener.channel.close() }
            let explained = Self.explain(error, host: host, port: port)
            if case StartupError.portInUse(let host, let port, _)? = explained as? StartupError {
                throw StartupError.portInUse(host: host, port: port, free: PortProbe.freePort(after: port, hosts: hosts))
            }
            throw explained
        }
        for listener in listeners { group.addTask { await listener.run() } }
        return listeners.first?.channel.localAddress?.port ?? port
    }

    /// An optional host may be missing (no IPv6 here), or already covered: on Linux `::` is
    /// dual-stack, so `0.0.0.0` on the same port then reports it in use.
    static func survivable(_ error: StartupError, bound: [String]) -> Bool {
        switch error {
        case .addressUnavailable: return true
        case .portInUse(let host, _, _): return host == "0.0.0.0" && bound.contains("::")
        default: return false
        }
    }

    static func explain(_ error: any Error, host: String, port: Int) -> any Error {
        if let error = error as? StartupError { return error }
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return StartupError.portInUse(host: host, port: port)
            case EACCES: return StartupError.permissionDenied(host: host, port: port)
            case EADDRNOTAVAIL, EAFNOSUPPORT: return StartupError.addressUnavailable(host: host, port: port)
            default: return StartupError.bindFailed(host: host, port: port, reason: "\(io)")
            }
        }
        if error is SocketAddressError { return StartupError.addressUnavailable(host: host, port: port) }
        return StartupError.bindFailed(host: host, port: port, reason: "\(error)")
    }
}

import Foundation
