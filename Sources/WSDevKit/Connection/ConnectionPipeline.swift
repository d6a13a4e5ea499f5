import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// One accepted TCP connection's route, from its first byte to a responder or an endpoint:
///
///     Listener ── accept ──▶ FirstRequest (reads the first head, asks Verdict)
///                              │
///                              ├─ .http ──────▶ NIO's HTTP codec ─▶ FastFileHandler ─▶ BadRequestCloser, IdleConnectionCloser ─▶ Hummingbird ─▶ RequestRouter
///                              │                 (the head replayed)   (repeat files)                                            (a task)      (files, 404s)
///                              ├─ .upgrade ───▶ 101 ─▶ WebSocketSession ─▶ the endpoint's WebSocketDelegate
///                              ├─ .admit ─────▶ the endpoint decides (a task), then .upgrade or .refuse
///                              └─ .refuse ────▶ PlainAnswer (status, reason, close)
///
/// Every WebSocket, whatever its endpoint, runs on the connection's event loop; only HTTP
/// requests and endpoint admissions that must wait get a Swift task.
struct ConnectionPipeline: Sendable {
    let handshake: Handshake
    let sessions: SessionRunner
    let accessLog: Logger
    /// Repeats of small static answers, given on the event loop; nil: none.
    let fastPath: FastFileHandler.Shared?
    /// How long a first request's head may take to arrive.
    let headTimeout: TimeAmount
    /// Watches that time for the connections of one event loop; set per listener (`Listener.bind`).
    var headDeadlines: HeadDeadlines?
    /// How long a keep-alive connection may wait for its next request.
    let idleTimeout: TimeAmount
    let limits: ConnectionLimits
    /// Refused handshakes are reported here, for the console and the pages' error channel.
    let events: SocketEvents

    /// Starts a new connection's route, or refuses it (503) when the server has no room for it.
    func install(on channel: any Channel) throws {
        if let refusal = limits.admit(channel) {
            let log = limits.shouldLog() ? accessLog : Logger(label: "wsdev.quiet", factory: { _ in SwiftLogNoOpLogHandler() })
            return PlainAnswer.send(refusal, on: channel, log: log, kind: "HTTP")
        }
        // Set here rather than as a bootstrap child option, which NIO applies through a chain of
        // futures per connection.
        try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
        // A connection keeps its first read's buffer for as long as it lives (NIO reuses it for
        // every read), so that buffer is sized for a browser's request, not NIO's 2 KiB default:
        // most connections wait far more than they read (Benchmarks/README, "What limits wsdev", 9).
        // A busy connection's buffer doubles on each full read, up to 512 KiB rather than NIO's
        // 64 KiB, so a 64 KiB WebSocket message (plus its header) is one read, not two joined by a
        // copy. Set once here for both routes: each option set costs a connection ~1,600 instructions.
        try channel.syncOptions?.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 512 << 10))
        try channel.pipeline.syncOperations.addHandler(FirstRequest(self))
    }

    /// The HTTP route, built behind `FirstRequest` before it steps aside and replays the bytes.
    func installHTTP(on channel: any Channel) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false,  // NIOAsyncChannel reads one request at a time
            withErrorHandling: false,  // BadRequestCloser answers what the decoder cannot parse
            withOutboundHeaderValidation: false)  // HTTPTypes validated the fields already
        // The fast path first, so that the requests it answers, most of a page's, pass no other
        // handler; it tells the idle closer of each one itself.
        let idle = IdleConnectionCloser(timeout: idleTimeout)
        if let fastPath { try pipeline.addHandler(FastFileHandler(fastPath, answered: { idle.requestAnsweredBefore() })) }
        try pipeline.addHandler(BadRequestCloser(accessLog: accessLog))
        try pipeline.addHandler(idle)
        try pipeline.addHandler(RequestHeadNormaliser())
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: accessLog))
        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
            wrappingChannelSynchronously: channel,
            configuration: .init(isOutboundHalfClosureEnabled: true))
        arrival(http)
    }

    /// Hands a connection that stays HTTP to its listener, which serves it in a task.
    var arrival: @Sendable (NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) -> Void = { _ in }
}
