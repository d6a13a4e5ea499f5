import NIOCore
import Synchronization

/// Where the server says what happens on its WebSockets, for whoever watches (the live console,
/// pages waiting for their errors). While nobody watches, saying it costs one atomic load: the
/// event is not even built.
final class SocketEvents: Sendable {
    typealias Watcher = @Sendable (SocketEvent) -> Void

    /// How much of a payload an event keeps.
    static let previewLength = 256

    private let watched = Atomic<Int>(0)
    private let watchers = Mutex<(next: Int, all: [Int: Watcher])>((0, [:]))

    var isWatched: Bool { watched.load(ordering: .relaxed) > 0 }

    /// Calls `watcher` with every event from now on (on whatever thread the event happens) until
    /// `stopWatching` with the returned number.
    func watch(_ watcher: @escaping Watcher) -> Int {
        let id = watchers.withLock { state in
            state.next += 1
            state.all[state.next] = watcher
            return state.next
        }
        watched.add(1, ordering: .relaxed)
        return id
    }

    func stopWatching(_ id: Int) {
        if watchers.withLock({ $0.all.removeValue(forKey: id) }) != nil { watched.subtract(1, ordering: .relaxed) }
    }

    /// Tells every watcher; `event` is only built when someone watches.
    func publish(_ event: @autoclosure () -> SocketEvent) {
        guard isWatched else { return }
        let made = event()
        for watcher in watchers.withLock({ Array($0.all.values) }) { watcher(made) }
    }

    /// The first bytes of a payload, copied so that an event does not keep a large buffer alive.
    static func preview(_ payload: ByteBuffer) -> ByteBuffer {
        var copy = ByteBuffer()
        if let head = payload.getSlice(at: payload.readerIndex, length: min(payload.readableBytes, previewLength)) { copy.writeImmutableBuffer(head) }
        return copy
    }
}
