import Logging

/// The access log's two lines per WebSocket, the same whichever way the session is served.
struct SessionLog: Sendable {
    let accessLog: Logger

    /// wsdev's own sockets (live reload) would fill the log with a line per page load.
    private func level(_ path: String) -> Logger.Level {
        ReservedPaths.contains(path) ? .debug : .info
    }

    func opened(_ accepted: Handshake.Accepted) {
        let info = accepted.info
        guard accessLog.logLevel <= level(info.path) else { return }
        var details = ""
        if let subprotocol = info.subprotocol { details += " protocol=\(subprotocol)" }
        if accepted.deflate != nil { details += " permessage-deflate" }
        accessLog.log(level: level(info.path), "WS   \(info.path) #\(info.id) open from \(info.remoteAddress):\(info.remotePort)\(details)")
    }

    func closed(_ info: ConnectionInfo, stats: SessionStats, after duration: Duration) {
        closed(path: info.path, id: info.id, stats: stats, after: duration)
    }

    func closed(path: String, id: Int, stats: SessionStats, after duration: Duration) {
        if let violation = stats.violation {
            accessLog.warning("WS   \(path) #\(id) closed: \(violation)")
        }
        accessLog.log(
            level: level(path),
            "WS   \(path) #\(id) closed \(stats.closeSummary) after \(duration.logText), \(stats.received) in / \(stats.sent) out")
    }
}
