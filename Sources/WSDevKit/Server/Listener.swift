import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// One listening socket, in place of HummingbirdCore's `Server`; `Listeners` binds one per event
/// loop, sharing the port (`SO_REUSEPORT`), so that a connection stays on the loop that accepted
/// it. With one socket for all loops, NIO hands every other connection to another thread (a task
/// queued across threads and that thread woken), which short-lived WebSockets pay for each time.
///
/// `Server` hands every connection to a Swift task, even a WebSocket that `LoopSession` serves
/// entirely on its event loop: the hand-over and the task cost each connection several thread
/// wake-ups (futex and eventfd calls) and, measured, a large share of the server's CPU when
/// connections are short. Here a connection becomes a task only once its handshake shows it
/// needs one (HTTP requests, sessions run by WSCore).
struct Listener: Sendable {
    let channel: any Channel
    private let quiescing: ServerQuiescingHelper
    private let connections: AsyncStream<UpgradeChannel.Negotiated>
    private let arrivals: AsyncStream<UpgradeChannel.Negotiated>.Continuation
    private let childChannel: UpgradeChannel
    private let logger: Logger

    static func bind(host: String, port: Int, on loop: any EventLoop, childChannel: UpgradeChannel, logger: Logger) async throws -> Listener {
        let quiescing = ServerQuiescingHelper(group: loop)
        let (connections, arrivals) = AsyncStream<UpgradeChannel.Negotiated>.makeStream()
        // Failures need no task: whatever failed has closed its connection and said why.
        let arrival = Arrival { result in
            guard case .success(let negotiated) = result else { return }
            if case .onLoop = negotiated { return }
            arrivals.yield(negotiated)
        }
        let channel = try await ServerBootstrap(group: loop)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { channel in
                // Synchronously, and answered with the loop's cached succeeded future: a future
                // made and mapped here cost every connection two more.
                do {
                    try childChannel.install(channel: channel, logger: logger, arrival: arrival)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: host, port: port).get()
        return Listener(
            channel: channel, quiescing: quiescing, connections: connections, arrivals: arrivals, childChannel: childChannel, logger: logger)
    }

    /// Serves until a graceful shutdown has let every connection finish.
    func run() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await negotiated in connections {
                    group.addTask { await childChannel.serve(negotiated, logger: logger) }
                }
            }
        } onGracefulShutdown: {
            // Stops accepting and asks open HTTP connections to close once their responses are out.
            let done = channel.eventLoop.makePromise(of: Void.self)
            done.futureResult.whenComplete { _ in arrivals.finish() }
            quiescing.initiateShutdown(promise: done)
        }
    }
}
