import Foundation
import Logging
import NIOCore

/// Puts the engine on an accepted connection once its 101 is written: a `WebSocketSession`
/// for every endpoint, the endpoint's delegate behind it, and the access log's open and close lines.
struct SessionRunner: Sendable {
    let registry: SessionRegistry
    let maxMessageBytes: Int
    let accessLog: Logger
    let events: SocketEvents
    private let pings: PingSweeps

    init(registry: SessionRegistry, maxMessageBytes: Int, pingInterval: Duration, accessLog: Logger, events: SocketEvents) {
        self.registry = registry
        self.events = events
        self.maxMessageBytes = maxMessageBytes
        self.accessLog = accessLog
        self.pings = PingSweeps(interval: TimeAmount(pingInterval))
    }

    /// Installs the session once the HTTP handlers are gone; the endpoint's delegate starts with it.
    func attach(_ channel: any Channel, accepted: Handshake.Accepted) throws {
        let stats = SessionStats()
        let info = accepted.info
        let log = SessionLog(accessLog: accessLog)
        let registry = registry
        let started = ContinuousClock.now
        let socket = WebSocket(info: info, eventLoop: channel.eventLoop)
        registry.add(SessionRegistry.Entry(
            channel: channel, socket: socket, endpoint: accepted.endpoint, deflate: accepted.deflate != nil, opened: Date(), stats: stats))
        log.opened(accepted)
        // wsdev's own sockets (live reload, the console) are not shown to the console.
        let events = ReservedPaths.contains(info.path) ? nil : self.events
        events?.publish(.lifecycle, .opened(SocketEvent.Opened(
            id: info.id, path: info.path, endpoint: accepted.endpoint.summary, remote: "\(info.remoteAddress):\(info.remotePort)",
            origin: info.origin, subprotocol: info.subprotocol, deflate: accepted.deflate != nil, at: Date())))
        // The id and path, not the whole ConnectionInfo: this closure lives as long as the connection.
        let (id, path) = (info.id, info.path)
        let session = WebSocketSession(
            socket: socket, maxMessageBytes: maxMessageBytes, deflate: accepted.deflate, pings: pings.sweep(on: channel.eventLoop), stats: stats,
            events: events
        ) {
            registry.remove(id)
            log.closed(path: path, id: id, stats: stats, after: ContinuousClock.now - started)
            events?.publish(.lifecycle, .closed(id: id, summary: stats.closeSummary, at: Date()))
        }
        try channel.pipeline.syncOperations.addHandler(session)
        session.delegate = accepted.endpoint.open(socket)
    }
}
