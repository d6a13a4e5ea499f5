import HTTPTypes
import Logging
import WSWire

/// `NAME_wsh.py`: a pywebsocket handler, run unmodified through the Python bridge that wsdev
/// carries. One python3 process serves all of the file's connections, so module globals (a list
/// of chat clients) are shared, as under pywebsocket.
final class PyWebSocketHandler: WebSocketEndpoint {
    /// How long `web_socket_do_extra_handshake` may take before the handshake is refused.
    static let handshakeTimeout: Duration = .seconds(10)

    let displayName: String
    let bridge: PyWebSocketBridge

    private init(displayName: String, bridge: PyWebSocketBridge) {
        self.displayName = displayName
        self.bridge = bridge
    }

    /// Retired (replaced by an edit, or removed): the process goes once no client is left on it.
    deinit { bridge.retire() }

    /// What a handler file needs from the server around it.
    struct Context: Sendable {
        let processes: ProcessTable
        let maxMessageBytes: Int
        let handlerTimeout: Duration
        /// Where the handlers' printed lines go for the live console.
        let events: SocketEvents
        let log: Logger
    }

    /// Called when the file appears or changes: a file that cannot run is reported now, not at
    /// the first connection.
    static func make(file: String, displayName: String, context: Context) -> any WebSocketEndpoint {
        guard let python = PyWebSocketPreflight.python3() else {
            return BrokenHandler(
                displayName: displayName,
                problem: "pywebsocket handlers need python3, which is not installed (not found on PATH). "
                    + "Install it (apt-get install python3), then save the file again or restart wsdev")
        }
        if let problem = PyWebSocketPreflight.compileProblem(python: python, file: file) {
            return BrokenHandler(displayName: displayName, problem: "python3 cannot compile it: \(problem)")
        }
        let settings = PyWebSocketBridge.Settings(
            python: python, file: file, displayName: displayName, processes: context.processes,
            maxMessageBytes: context.maxMessageBytes, handlerTimeout: context.handlerTimeout,
            events: context.events, log: context.log)
        return PyWebSocketHandler(displayName: displayName, bridge: PyWebSocketBridge(settings: settings))
    }

    var summary: String { "\(displayName) (pywebsocket handler; one python3 process for all its clients)" }

    func admit(_ request: ConnectionInfo) async -> Admission {
        switch await bridge.handshake(request) {
        case .accept(let subprotocol, let headers, let deflate):
            return .accept(subprotocol: subprotocol, headers: headers, deflate: deflate)
        case .reject(let status, let reason):
            let code = (400...599).contains(status) ? status : 403
            return .refuse(UpgradeRefusal(
                status: HTTPResponse.Status(code: code),
                message: "\(displayName) refused this WebSocket in web_socket_do_extra_handshake: \(reason)"))
        case .failed(let why):
            return .refuse(UpgradeRefusal(
                status: .internalServerError,
                message: "The handler \(displayName) could not run: \(why). Fix it and save it again; wsdev's log has the details."))
        case .timedOut:
            return .refuse(UpgradeRefusal(
                status: .internalServerError,
                message: "The handler \(displayName) did not answer the handshake within \(Self.handshakeTimeout): "
                    + "its web_socket_do_extra_handshake(request) seems stuck, or another connection's code blocks its python3 process. "
                    + "Make it return promptly."))
        }
    }

    func open(_ socket: WebSocket) -> any WebSocketDelegate {
        bridge.open(socket)
    }
}
