import Synchronization

/// Set once the server has begun to stop (SIGINT, SIGTERM), for answers that must not promise
/// a server that is about to go: a page waiting to reconnect must not be told "back" by the
/// listener that is closing.
final class StopSignal: Sendable {
    private let stopping = Atomic<Bool>(false)

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    func stop() { stopping.store(true, ordering: .relaxed) }
}
