import Foundation
import Logging
import Synchronization
import WSWire

/// A `_wsh.py` whose checks (python3 present, the file compiles) run in the background: each
/// costs a python3 start (100–300 ms), and wsdev should be listening within milliseconds.
/// Handshakes that arrive meanwhile wait for the verdict; a broken file is logged once when known.
final class PendingPyWebSocketHandler: WebSocketEndpoint {
    let displayName: String
    let verdict: Task<any WebSocketEndpoint, Never>
    /// The verdict once known: every connection's `admit` waits for it before `open`.
    private let known = Mutex<(any WebSocketEndpoint)?>(nil)

    init(file: String, displayName: String, context: PyWebSocketHandler.Context) {
        self.displayName = displayName
        verdict = Task {
            // The checks block on a subprocess; keep them off Swift's small cooperative pool.
            await withCheckedContinuation { done in
                DispatchQueue.global().async {
                    let endpoint = PyWebSocketHandler.make(file: file, displayName: displayName, context: context)
                    if let broken = endpoint as? BrokenHandler { context.log.warning("\(broken.report)") }
                    done.resume(returning: endpoint)
                }
            }
        }
    }

    var summary: String { "\(displayName) (pywebsocket handler; one python3 process for all its clients)" }

    func admit(_ request: ConnectionInfo) async -> Admission {
        let endpoint = await verdict.value
        known.withLock { $0 = endpoint }
        return await endpoint.admit(request)
    }

    func open(_ socket: WebSocket) -> any WebSocketDelegate {
        guard let endpoint = known.withLock({ $0 }) else {
            socket.close(code: CloseCode.internalError, reason: "the handler is not ready")
            return NotReady()
        }
        return endpoint.open(socket)
    }

    private final class NotReady: WebSocketDelegate {
        func received(_ message: WebSocketMessage) {}
    }
}
