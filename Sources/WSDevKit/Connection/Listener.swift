import Logging
import NIOCore
import HummingbirdCore
import NIOExtras
import NIOHTTPTypes
import NIOPosix
import ServiceLifecycle

/// One listening socket, in place of HummingbirdCore's `Server`; `Listeners` binds one per event
/// loop, sharing the port (`SO_REUSEPORT`), so that a connection stays on the loop that accepted
/// it. With one socket for all loops, NIO hands every other connection to another thread (a task
/// queued across threads and that thread woken), which short-lived WebSockets pay for each time.
///
/// `Server` hands every connection to a Swift task, even a WebSocket served entirely on its event
/// loop; the hand-over and the task cost each connection thread wake-ups. Here a connection becomes
/// a task only once its first request shows it is HTTP (`ConnectionPipeline`).
struct Listener: Sendable {
    typealias HTTPConnection = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let channel: any Channel
    private let quiescing: ServerQuiescingHelper
    private let connections: AsyncStream<HTTPConnection>
    private let arrivals: AsyncStream<HTTPConnection>.Continuation
    private let http: HTTP1Channel
    private let logger: Logger

    static func bind(
        host: String, port: Int, on loop: any EventLoop, route: ConnectionPipeline, http: HTTP1Channel, logger: Logger
    ) async throws -> Listener {
        let quiescing = ServerQuiescingHelper(group: loop)
        let (connections, arrivals) = AsyncStream<HTTPConnection>.makeStream()
        var route = route
        route.arrival = { arrivals.yield($0) }
        route.headDeadlines = HeadDeadlines(loop: loop, timeout: route.headTimeout)
        let channel = try await ServerBootstrap(group: loop)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { [route] channel in
                // Synchronously, and answered with the loop's cached succeeded future: a future
                // made and mapped here cost every connection two more.
                do {
                    try route.install(on: channel)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: host, port: port).get()
        return Listener(channel: channel, quiescing: quiescing, connections: connections, arrivals: arrivals, http: http, logger: logger)
    }

    /// Serves until a graceful shutdown has let every connection finish.
    func run() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await connection in connections {
                    group.addTask { await http.handle(value: connection, logger: logger) }
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
