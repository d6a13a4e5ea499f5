import NIOCore
import NIOPosix

/// A WebSocket client connection: `connect` returns once the server has switched protocols (or
/// throws with the server's reason); then `events` tells what arrives and `send` writes.
public final class WebSocketClient: Sendable {
    public let handshake: ClientHandshake
    /// Messages, pings, pongs, and last the close.
    public let events: AsyncStream<ClientEvent>
    private let channel: any Channel

    private init(handshake: ClientHandshake, events: AsyncStream<ClientEvent>, channel: any Channel) {
        self.handshake = handshake
        self.events = events
        self.channel = channel
    }

    public static func connect(
        _ request: ClientRequest, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(10), closeTimeout: TimeAmount = .seconds(5)
    ) async throws(ClientError) -> WebSocketClient {
        let (events, continuation) = AsyncStream<ClientEvent>.makeStream()
        let loop = group.next()
        let opened = loop.makePromise(of: ClientHandshake.self)
        let key = ClientRequest.makeKey()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ClientConnection(request: request, key: key, opened: opened, events: continuation, closeTimeout: closeTimeout))
                    }
                }
                .connect(host: request.url.host, port: request.url.port).get()
        } catch {
            opened.fail(error)
            continuation.finish()
            throw ConnectFailure.explain(error, url: request.url)
        }
        do {
            let handshake = try await opened.futureResult.get()
            return WebSocketClient(handshake: handshake, events: events, channel: channel)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError("the handshake failed: \(error)")
        }
    }

    public func send(_ command: ClientCommand) {
        channel.writeAndFlush(command, promise: nil)
    }
}
