/// An executable file in the handlers folder, one process per connection
/// (or one shared process with `wsdev: broadcast`).
struct ScriptHandler: WebSocketEndpoint {
    let process: HandlerProcess
    let directives: HandlerDirectives
    /// As shown to people: "handlers/count.sh".
    let displayName: String
    /// The endpoint path without extension, e.g. "/count"; CGI's SCRIPT_NAME.
    let scriptName: String
    let broadcast: BroadcastGroup?

    var summary: String {
        var text = displayName
        if directives.broadcast { text += " (broadcast: one process for all clients)" }
        if directives.messages == .json { text += " (json messages)" }
        return text
    }

    func admit(_ request: ConnectionInfo) async -> Admission {
        directives.protocols.isEmpty
            ? .acceptFirstOffered(by: request)
            : Admission.select(from: request.offeredSubprotocols, supported: directives.protocols, path: request.path)
    }

    func serve(_ connection: WebSocketConnection) async throws {
        if let broadcast {
            try await broadcast.serve(connection)
        } else {
            try await ScriptSession(process: process, directives: directives, scriptName: scriptName, connection: connection, log: connection.logger).run()
        }
    }
}

/// A handler file that cannot run: every handshake gets an HTTP error that says why,
/// never a 101 followed by a dropped connection.
struct BrokenHandler: WebSocketEndpoint {
    let displayName: String
    let problem: String

    var summary: String { "\(displayName) — cannot run: \(problem)" }

    /// The log line, written once when the file appears or changes.
    var report: String { "handler \(displayName) cannot run: \(problem). Its paths answer 500 until it is fixed." }

    func admit(_ request: ConnectionInfo) async -> Admission {
        .refuse(UpgradeRefusal(status: .internalServerError, message: "The handler \(displayName) cannot run: \(problem)"))
    }

    func serve(_ connection: WebSocketConnection) async throws {}
}
