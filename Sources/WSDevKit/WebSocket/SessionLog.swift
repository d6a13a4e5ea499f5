import Logging

/// The access log's two lines per WebSocket, the same whichever way the session is served.
struct SessionLog: Sendable {
    let accessLog: Logger

    /// wsdev's own sockets (live reload) would fill the log with a line per page load.
    private func level(_ info: ConnectionInfo) -> Logger.Level {
        ReservedPaths.contains(info.path) ? .debug : .info
    }

    func opened(_ accepted: Handshake.Accepted) {
        let info = accepted.info
        var details = ""
        if let subprotocol = info.subprotocol { details += " protocol=\(subprotocol)" }
        if !accepted.extensions.isEmpty { details += " " + accepted.extensions.map(\.name).joined(separator: ",") }
        accessLog.log(level: level(info), "WS   \(info.path) #\(info.id) open from \(info.remoteAddress):\(info.remotePort)\(details)")
    }

    func closed(_ info: ConnectionInfo, stats: SessionStats, after duration: Duration) {
        if let violation = stats.violation {
            accessLog.warning("WS   \(info.path) #\(info.id) closed: \(violation)")
        }
        accessLog.log(
            level: level(info),
            "WS   \(info.path) #\(info.id) closed \(stats.closeSummary) after \(duration.logText), \(stats.received) in / \(stats.sent) out")
    }
}
