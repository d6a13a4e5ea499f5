import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Binds one HTTP server per host on the same port; the first bind picks the port when asked for 0.
struct Listeners: Service {
    let hosts: [String]
    let port: Int
    /// Hosts whose absence is survivable, e.g. `::1` on a machine without IPv6.
    let optionalHosts: Set<String>
    let childChannel: UpgradeChannel
    let logger: Logger
    let onReady: @Sendable (_ hosts: [String], _ port: Int) -> Void

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var port = self.port
            var bound: [String] = []
            for host in hosts {
                do {
                    port = try await start(host: host, port: port, in: &group)
                    bound.append(host)
                } catch StartupError.addressUnavailable(let host, _) where optionalHosts.contains(host) && !bound.isEmpty {
                    logger.debug("\(host) is not available on this machine; listening on \(bound.joined(separator: ", ")) only")
                }
            }
            onReady(bound, port)
            try await group.waitForAll()
        }
    }

    private func start(host: String, port: Int, in group: inout ThrowingTaskGroup<Void, any Error>) async throws -> Int {
        let (ready, signal) = AsyncStream<Result<Int, any Error>>.makeStream()
        let server = Server(
            childChannelSetup: childChannel,
            configuration: .init(address: .hostname(host, port: port), backlog: 1024, reuseAddress: true),
            onServerRunning: { channel in
                signal.yield(.success(channel.localAddress?.port ?? port))
                signal.finish()
            },
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        group.addTask {
            do {
                try await server.run()
            } catch {
                let startup = Self.explain(error, host: host, port: port)
                signal.yield(.failure(startup))
                signal.finish()
                throw startup
            }
        }
        for await result in ready { return try result.get() }
        throw StartupError.bindFailed(host: host, port: port, reason: "the server stopped before it was listening")
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
