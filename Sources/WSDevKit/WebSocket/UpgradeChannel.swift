import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// One accepted TCP connection: HTTP/1.1 that may become a WebSocket.
///
/// Modelled on HummingbirdWebSocket's `HTTP1WebSocketUpgradeChannel`, but every declined handshake
/// gets an HTTP answer that says why (426, 404, 400…), and accepted ones are installed by `SessionRunner.attach`.
struct UpgradeChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, UpgradeRefusal)
        /// Served by `WebSocketSession` on the event loop: nothing left for a task to do.
        case onLoop
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let handshake: Handshake
    let sessions: SessionRunner
    let accessLog: Logger
    /// Repeats of small static answers, given on the event loop by `FastFileHandler`; nil: none.
    var fastPath: FastFileHandler.Shared?
    /// Whether `LoopUpgrade` reads first requests; off with `WSDEV_NO_LOOP_UPGRADE` set, so tests
    /// and benchmarks can compare both paths.
    var loopUpgrade = ProcessInfo.processInfo.environment["WSDEV_NO_LOOP_UPGRADE"] == nil

    /// `ServerChildChannel`'s set-up (HTTPChannelHandler requires the protocol); `Listener` calls
    /// `install` itself, with one `Arrival` for all its connections.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let negotiated = channel.eventLoop.makePromise(of: Negotiated.self)
            try install(channel: channel, logger: logger, arrival: Arrival { negotiated.completeWith($0) })
            return Value(negotiated: negotiated.futureResult, channel: channel)
        }
    }

    /// Builds a new connection's pipeline; `arrival` learns what the connection turned out to be.
    func install(channel: any Channel, logger: Logger, arrival: Arrival) throws {
        // Set here rather than as a bootstrap child option, which NIO applies through a chain of
        // futures per connection.
        try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
        guard loopUpgrade else {
            return arrival.completeWith(try standardPipeline(channel: channel, read: .undecided, logger: logger))
        }
        let loop = LoopHandshake(handshake: handshake, sessions: sessions, arrival: arrival) { channel, read in
            try standardPipeline(channel: channel, read: read, logger: logger)
        }
        let first = FirstRequest(loop) { channel in
            let tap = RequestTap()
            let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
            try channel.pipeline.syncOperations.addHandlers(tap, decoder, LoopUpgrade(tap: tap, decoder: decoder, loop))
        }
        try channel.pipeline.syncOperations.addHandler(first)
    }

    /// NIO's upgradable HTTP/1 pipeline, with Hummingbird behind it for requests that stay HTTP;
    /// NIO's plain one for a first request already known not to be a WebSocket handshake.
    private func standardPipeline(channel: any Channel, read: FirstRead, logger: Logger) throws -> EventLoopFuture<Negotiated> {
        let pipeline = channel.pipeline.syncOperations
        switch read {
        case .http:
            // As the upgradable pipeline below is configured.
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false)
            try pipeline.addHandler(BadRequestCloser(accessLog: accessLog))
            return channel.eventLoop.makeSucceededFuture(try httpSession(channel: channel, outcome: nil, logger: logger))
        case .undecided, .handshake:
            let decided: Handshake.Progress? = if case .handshake(let progress) = read { progress } else { nil }
            let outcome = NIOLoopBoundBox<HandshakeOutcome?>(nil, eventLoop: channel.eventLoop)
            let upgrader = WebSocketUpgrader(handshake: handshake, sessions: sessions, outcome: outcome, decided: decided)
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture { try httpSession(channel: channel, outcome: outcome.value, logger: logger) }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false  // NIOAsyncChannel reads one request at a time
            configuration.enableErrorHandling = false  // BadRequestCloser answers what the decoder cannot parse
            configuration.enableResponseHeaderValidation = false  // HTTPTypes already validated them
            let negotiated = try pipeline.configureUpgradableHTTPServerPipeline(configuration: configuration)
            try pipeline.addHandler(BadRequestCloser(accessLog: accessLog))
            return negotiated
        }
    }

    /// The handlers for a connection that stays HTTP (or gets a refusal), behind NIO's decoder.
    private func httpSession(channel: any Channel, outcome: HandshakeOutcome?, logger: Logger) throws -> Negotiated {
        let pipeline = channel.pipeline.syncOperations
        if let fastPath, outcome == nil {
            try pipeline.addHandler(FastFileHandler(fastPath))
        }
        try pipeline.addHandler(RequestHeadNormaliser())
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
            wrappingChannelSynchronously: channel,
            configuration: .init(isOutboundHalfClosureEnabled: true)
        )
        if case .refused(let refusal)? = outcome { return .refused(http, refusal) }
        return .http(http)
    }

    /// `ServerChildChannel`'s entry point (HTTPChannelHandler requires the protocol); `Listener`
    /// calls `serve` itself, once the handshake has said which connections need a task.
    func handle(value: Value, logger: Logger) async {
        do {
            await serve(try await value.negotiated.get(), logger: logger)
        } catch {
            logger.trace("connection ended before the handshake finished: \(error)")
        }
    }

    /// What is left for a task once the handshake has shown what the connection is.
    func serve(_ negotiated: Negotiated, logger: Logger) async {
        switch negotiated {
        case .http(let http):
            await handleHTTP(asyncChannel: http, logger: logger)
        case .refused(let http, let refusal):
            await refuse(http, refusal)
        case .onLoop:
            break
        }
    }

    private func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, _ refusal: UpgradeRefusal) async {
        let body = refusal.body
        var headers = refusal.headers
        headers[.connection] = "close"
        let address = http.channel.remoteAddress
        let remote = "\(address?.ipAddress ?? "?"):\(address?.port ?? 0)"
        accessLog.notice("WS   refused \(refusal.status.code) for \(remote): \(refusal.message.loggable)")
        do {
            try await http.executeThenClose { _, outbound in
                try await outbound.write(contentsOf: [.head(HTTPResponse(status: refusal.status, headerFields: headers)), .body(body), .end(nil)])
            }
        } catch {
            accessLog.trace("could not send the refusal: \(error)")
        }
    }
}
