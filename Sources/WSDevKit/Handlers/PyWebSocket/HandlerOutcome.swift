import NIOWebSocket
import Synchronization

/// What the pumps around a handler process learned, read once the process has ended.
final class HandlerOutcome: Sendable {
    private struct State {
        var lastError: String?
        var requestedClose: (WebSocketErrorCode, String)?
        var clientLeft = false
    }

    private let state = Mutex(State())

    /// The last non-blank stderr line: the likeliest explanation of a crash.
    var lastError: String? {
        get { state.withLock { $0.lastError } }
        set { state.withLock { $0.lastError = newValue } }
    }

    /// A close the handler asked for (json mode).
    var requestedClose: (WebSocketErrorCode, String)? {
        get { state.withLock { $0.requestedClose } }
        set { state.withLock { $0.requestedClose = newValue } }
    }

    var clientLeft: Bool {
        get { state.withLock { $0.clientLeft } }
        set { state.withLock { $0.clientLeft = newValue } }
    }

    func noteError(_ line: String) {
        if !line.allSatisfy(\.isWhitespace) { lastError = line }
    }
}
