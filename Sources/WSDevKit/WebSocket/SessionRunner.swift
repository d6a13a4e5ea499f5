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
    let accessLog: Logger
    let libraryLog: Logger

    func run(_ socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, accepted: Handshake.Accepted, stats: SessionStats) async {
        let info = accepted.info
        registry.add(info.id, socket.channel)
        defer { registry.remove(info.id) }
        let started = ContinuousClock.now
        var details = ""
        if let subprotocol = info.subprotocol { details += " protocol=\(subprotocol)" }
        if !accepted.extensions.isEmpty { details += " " + accepted.extensions.map(\.name).joined(separator: ",") }
        // wsdev's own sockets (live reload) would fill the log with a line per page load.
        let level: Logger.Level = ReservedPaths.contains(info.path) ? .debug : .info
        accessLog.log(level: level, "WS   \(info.path) #\(info.id) open from \(info.remoteAddress):\(info.remotePort)\(details)")

        let configuration = WebSocketHandler.Configuration(
            extensions: accepted.extensions,
            autoPing: .enabled(timePeriod: .seconds(30)),
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
        if let violation = stats.violation {
            accessLog.warning("WS   \(info.path) #\(info.id) closed: \(violation)")
        }
        accessLog.log(
            level: level, "WS   \(info.path) #\(info.id) closed \(stats.closeSummary) after \((ContinuousClock.now - started).logText), \(stats.received) in / \(stats.sent) out"
        )
    }
}
