import Foundation
import Logging
import WSWire

/// An executable file in the handlers folder: one process per connection, or one shared process
/// with `wsdev: broadcast`.
struct ScriptEndpoint: WebSocketEndpoint {
    let file: String
    let directives: HandlerDirectives
    /// As shown to people: "handlers/count.sh".
    let displayName: String
    /// The endpoint path without extension, e.g. "/count"; CGI's SCRIPT_NAME.
    let scriptName: String
    let broadcast: BroadcastGroup?
    let processes: ProcessTable
    let maxMessageBytes: Int
    let events: SocketEvents
    let log: Logger

    var summary: String {
        var text = displayName
        if directives.broadcast { text += " (broadcast: one process for all clients)" }
        if directives.messages == .json { text += " (json messages)" }
        return text
    }

    func immediateAdmission(_ request: ConnectionInfo) -> Admission? {
        let admission = directives.protocols.isEmpty
            ? .acceptFirstOffered(by: request)
            : Admission.select(from: request.offeredSubprotocols, supported: directives.protocols, path: request.path)
        guard case .accept = admission, broadcast == nil else { return admission }
        if let why = processes.reserve(for: displayName) {
            return .refuse(UpgradeRefusal(status: .serviceUnavailable, message: "\(displayName) was not started: \(why)"))
        }
        return admission
    }

    /// The handshake was accepted but its connection ended before the process could start.
    func abandon(_ request: ConnectionInfo) {
        if broadcast == nil { processes.release(for: displayName) }
    }

    func open(_ socket: WebSocket) -> any WebSocketDelegate {
        let environment = HandlerEnvironment.variables(for: socket.info, scriptName: scriptName)
        if let broadcast { return broadcast.join(socket, environment: environment) }
        do {
            let process = try PipedProcess(
                spawning: file, environment: environment, directory: (file as NSString).deletingLastPathComponent,
                on: socket.eventLoop, table: processes, owner: displayName, reserved: true, lineLimit: maxMessageBytes)
            return ScriptSession(socket: socket, process: process, format: directives.messages, scriptName: scriptName, maxLine: maxMessageBytes, events: events, log: log)
        } catch {
            log.error("WS   \(socket.info.path) #\(socket.info.id): \(error); closing with 1011")
            socket.close(code: CloseCode.internalError, reason: "the handler could not start", explanation: "\(displayName) could not start: \(error)")
            return NotStarted()
        }
    }

    private final class NotStarted: WebSocketDelegate {
        func received(_ message: WebSocketMessage) {}
    }
}

/// A handler file that cannot run: every handshake gets an HTTP error that says why,
/// never a 101 followed by a dropped connection.
struct BrokenHandler: WebSocketEndpoint {
    let displayName: String
    let problem: String

    var summary: String { "\(displayName) — cannot run: \(Python2Hint.annotate(problem))" }

    /// The banner's line for it.
    var bannerLine: String { "\(displayName) cannot run: \(Python2Hint.annotate(problem)). Its paths answer 500 until it is fixed." }

    /// The log line, written once when the file appears or changes.
    var report: String { "handler \(displayName) cannot run: \(Python2Hint.annotate(problem)). Its paths answer 500 until it is fixed." }

    func immediateAdmission(_ request: ConnectionInfo) -> Admission? {
        .refuse(UpgradeRefusal(status: .internalServerError, message: "The handler \(displayName) cannot run: \(Python2Hint.annotate(problem))"))
    }

    func open(_ socket: WebSocket) -> any WebSocketDelegate {
        socket.close(code: CloseCode.internalError, reason: "the handler cannot run")
        return Refused()
    }

    private final class Refused: WebSocketDelegate {
        func received(_ message: WebSocketMessage) {}
    }
}
