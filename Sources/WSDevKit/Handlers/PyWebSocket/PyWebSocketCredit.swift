import Synchronization

/// How many more client messages wsdev may hand the bridge for one connection before its handler
/// takes some (`receive_message` acknowledges each). One waiter at a time: the connection's pump.
final class PyWebSocketCredit: Sendable {
    private struct State {
        var available: Int
        var waiter: CheckedContinuation<Bool, Never>?
        var closed = false
    }

    private let state: Mutex<State>

    init(_ window: Int) {
        state = Mutex(State(available: window))
    }

    /// Waits for one credit; false once closed, or when the waiting task is cancelled.
    func acquire() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now: Bool? = state.withLock { state in
                    if state.closed || Task.isCancelled { return false }
                    if state.available > 0 {
                        state.available -= 1
                        return true
                    }
                    state.waiter = continuation
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume(returning: false)
        }
    }

    func release() {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { state in
            guard let waiter = state.waiter else {
                state.available += 1
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: true)
    }

    func close() {
        state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }?.resume(returning: false)
    }
}
