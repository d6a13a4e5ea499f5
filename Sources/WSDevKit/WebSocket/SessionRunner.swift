import Logging
import NIOCore
import NIOWebSocket
@_spi(WSInternal) import WSCore

/// Runs one accepted WebSocket: the protocol machinery from WSCore, the endpoint's logic, and
/// the open/close lines of the access log.
struct SessionRunner: Sendable {
    struct Context: WebSocketContext {
        let logger: Logger
    }

    let registry: SessionRegistry
    let maxMessageBytes: Int
    let pingInterval: Duration
    let accessLog: Logger
    let libraryLog: Logger
    private let pings: PingSweeps

    init(registry: SessionRegistry, maxMessageBytes: Int, pingInterval: Duration, accessLog: Logger, libraryLog: Logger) {
        self.registry = registry
        self.maxMessageBytes = maxMessageBytes
        self.pingInterval = pingInterval
        self.accessLog = accessLog
        self.libraryLog = libraryLog
        self.pings = PingSweeps(interval: TimeAmount(pingInterval))
    }

    func run(_ socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, accepted: Handshake.Accepted, stats: SessionStats) async {
        let info = accepted.info
        registry.add(info.id, socket.channel)
        defer { registry.remove(info.id) }
        let started = ContinuousClock.now
        let log = SessionLog(accessLog: accessLog)
        log.opened(accepted)

        let configuration = WebSocketHandler.Configuration(
            extensions: accepted.extensions,
            autoPing: .enabled(timePeriod: pingInterval),
            closeTimeout: .seconds(10),
            validateUTF8: true,
            maxFrameSize: maxMessageBytes
        )
        let connectionLog = libraryLog
        let endpointLog = accessLog
        let maxMessage = maxMessageBytes
        do {
            _ = try await WebSocketHandler.handle(
                type: .server,
                configuration: configuration,
                asyncChannel: socket,
                context: Context(logger: connectionLog)
            ) { inbound, outbound, context in
                try await accepted.endpoint.serve(
                    WebSocketConnection(inbound: inbound, outbound: outbound, info: info, logger: endpointLog, maxMessageBytes: maxMessage)
                )
            }
        } catch {
            libraryLog.debug("WebSocket #\(info.id) ended with \(error)")
        }
        log.closed(info, stats: stats, after: ContinuousClock.now - started)
    }

    /// Installs the session once the HTTP handlers are gone: `LoopSession` alone on the event loop
    /// when the endpoint allows it, or NIO's frame codec, `FrameGuard` and an async channel for
    /// `run` in a task.
    func attach(_ channel: any Channel, accepted: Handshake.Accepted) throws -> UpgradeChannel.Negotiated {
        let stats = SessionStats()
        let pipeline = channel.pipeline.syncOperations
        if accepted.extensions.isEmpty, let endpoint = accepted.endpoint as? any EventLoopEndpoint {
            try serveOnLoop(channel, endpoint: endpoint, accepted: accepted, stats: stats)
            return .onLoop
        }
        // What NIO's WebSocket upgrader installs, then what WSCore needs from us.
        try pipeline.addHandlers(
            WebSocketFrameEncoder(), ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxMessageBytes)),
            WebSocketProtocolErrorHandler(), FrameGuard(stats: stats))
        let asyncChannel = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
            wrappingChannelSynchronously: channel,
            configuration: .init(isOutboundHalfClosureEnabled: true)
        )
        return .websocket(asyncChannel, accepted, stats)
    }

    private func serveOnLoop(_ channel: any Channel, endpoint: any EventLoopEndpoint, accepted: Handshake.Accepted, stats: SessionStats) throws {
        let (id, path) = (accepted.info.id, accepted.info.path)  // not the headers: they would stay for the whole session
        let log = SessionLog(accessLog: accessLog)
        let registry = registry
        let started = ContinuousClock.now
        registry.add(id, channel)
        log.opened(accepted)
        let session = LoopSession(endpoint: endpoint, maxMessageBytes: maxMessageBytes, pings: pings.sweep(on: channel.eventLoop), stats: stats) {
            registry.remove(id)
            log.closed(path: path, id: id, stats: stats, after: ContinuousClock.now - started)
        }
        // NIO reads at most 64 KiB at a time by default, so a 64 KiB message (plus its header)
        // always took two reads and a copy to join them; the buffer only grows for busy sockets.
        try channel.syncOptions?.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 512 << 10))
        try channel.pipeline.syncOperations.addHandler(session)
    }
}
