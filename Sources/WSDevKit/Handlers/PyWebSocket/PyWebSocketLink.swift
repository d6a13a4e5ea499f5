import Synchronization

/// One connection as the shared bridge process sees it: the handshake's answer, the events
/// addressed to it, and the credit for client messages it may still pass on.
final class PyWebSocketLink: Sendable {
    enum Answer: Sendable {
        case accept(subprotocol: String?)
        case reject(status: Int, reason: String)
        /// The bridge could not answer: it failed to load, died, or could not start.
        case failed(String)
        case timedOut
    }

    private struct State {
        var answer: Answer?
        var waiter: CheckedContinuation<Answer, Never>?
        var acceptedAt: ContinuousClock.Instant?
        var served = false
    }

    let info: ConnectionInfo
    /// Unbounded, yet bounded in practice: the bridge sends at most `PyWebSocketWire.window`
    /// unacknowledged pieces, plus one close and one done.
    let events: AsyncStream<PyWebSocketWire.Event>
    private let post: AsyncStream<PyWebSocketWire.Event>.Continuation
    let credit = PyWebSocketCredit(PyWebSocketWire.window)
    private let state = Mutex(State())

    var id: Int { info.id }

    init(info: ConnectionInfo) {
        self.info = info
        (events, post) = AsyncStream.makeStream(of: PyWebSocketWire.Event.self)
    }

    func deliver(_ event: PyWebSocketWire.Event) {
        post.yield(event)
    }

    /// The bridge is gone: the handshake (if still waiting) fails, and an open connection learns why.
    func end(_ why: String) {
        resolve(.failed(why))
        post.yield(PyWebSocketWire.Event(op: "ended", reason: why))
        post.finish()
        credit.close()
    }

    /// Stops the flow both ways once the connection is over.
    func finish() {
        post.finish()
        credit.close()
    }

    /// The first answer wins; later ones (an accept after a timeout) are ignored.
    func resolve(_ answer: Answer) {
        let waiter: CheckedContinuation<Answer, Never>? = state.withLock { state in
            guard state.answer == nil else { return nil }
            state.answer = answer
            if case .accept = answer { state.acceptedAt = .now }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: answer)
    }

    func answer(within timeout: Duration) async -> Answer {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self.resolve(.timedOut) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready: Answer? = state.withLock { state in
                if let answer = state.answer { return answer }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func markServed() {
        state.withLock { $0.served = true }
    }

    /// Accepted, but the server never started the WebSocket (the client left, or a later
    /// handshake check refused it): the bridge's thread for it can be let go.
    func isAbandoned(now: ContinuousClock.Instant) -> Bool {
        state.withLock { state in
            guard !state.served, let acceptedAt = state.acceptedAt else { return false }
            return now - acceptedAt > .seconds(30)
        }
    }
}

extension PyWebSocketWire.Event {
    init(op: String, reason: String) {
        self.op = op
        self.reason = reason
    }
}
