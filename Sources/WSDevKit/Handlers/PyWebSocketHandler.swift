import Logging

/// `NAME_wsh.py`: a pywebsocket handler. (The bridge that runs them is still to come.)
enum PyWebSocketHandler {
    static func make(file: String, displayName: String, log: Logger) -> any WebSocketEndpoint {
        BrokenHandler(displayName: displayName, problem: "pywebsocket (_wsh.py) handlers are not supported yet")
    }
}
