import Synchronization

/// Counters written on the event loop and read by the session when it logs the close.
final class SessionStats: Sendable {
    enum Note: Sendable { case protocolViolation(String) }

    private let messagesIn = Atomic<Int>(0)
    private let messagesOut = Atomic<Int>(0)
    /// Message payload bytes (inflated, as the endpoint sees them), for the live console.
    private let bytesIn = Atomic<Int>(0)
    private let bytesOut = Atomic<Int>(0)
    private let closes = Mutex<(server: UInt16?, client: UInt16?, firstBy: String?, note: Note?)>((nil, nil, nil, nil))

    func countIn() { messagesIn.add(1, ordering: .relaxed) }
    func countBytesIn(_ count: Int) { bytesIn.add(count, ordering: .relaxed) }
    func countOut(bytes: Int) {
        messagesOut.add(1, ordering: .relaxed)
        bytesOut.add(bytes, ordering: .relaxed)
    }

    func serverClosed(code: UInt16?) {
        closes.withLock { state in
            if state.server == nil { state.server = code ?? 1005 }
            if state.firstBy == nil { state.firstBy = "server" }
        }
    }

    func clientClosed(code: UInt16?) {
        closes.withLock { state in
            if state.client == nil { state.client = code ?? 1005 }
            if state.firstBy == nil { state.firstBy = "client" }
        }
    }

    func note(_ note: Note) { closes.withLock { $0.note = $0.note ?? note } }

    var received: Int { messagesIn.load(ordering: .relaxed) }
    var sent: Int { messagesOut.load(ordering: .relaxed) }
    var bytesReceived: Int { bytesIn.load(ordering: .relaxed) }
    var bytesSent: Int { bytesOut.load(ordering: .relaxed) }

    /// e.g. "1000 by client", "1001 by server", "1006 (no close frame)".
    var closeSummary: String {
        closes.withLock { state in
            switch state.firstBy {
            case "client": return "\(state.client ?? 1005) by client"
            case "server": return "\(state.server ?? 1005) by server"
            default: return "1006 (connection dropped without a close frame)"
            }
        }
    }

    var violation: String? {
        closes.withLock { state in
            if case .protocolViolation(let text)? = state.note { return text }
            return nil
        }
    }
}
