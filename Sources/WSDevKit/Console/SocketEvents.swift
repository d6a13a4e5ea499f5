import NIOCore
import Synchronization

/// Where the server says what happens on its WebSockets, for whoever watches (the live console,
/// pages waiting for their errors). While nobody watches a kind of event, saying it costs one
/// atomic load: the event is not even built.
///
/// Watchers say what they want, because pages always listen for problems (refusals, failures)
/// while frames matter only to an open console: a page's interest must not make every message
/// build an event.
final class SocketEvents: Sendable {
    typealias Watcher = @Sendable (SocketEvent) -> Void

    struct Interest: OptionSet, Sendable {
        let rawValue: Int
        /// Every message, ping, pong and close frame, both ways.
        static let frames = Interest(rawValue: 1)
        /// Connections opening and closing, handler stderr lines.
        static let lifecycle = Interest(rawValue: 2)
        /// Refused handshakes and connections the server closed because something failed.
        static let problems = Interest(rawValue: 4)
        static let all: Interest = [.frames, .lifecycle, .problems]
    }

    /// How much of a payload an event keeps.
    static let previewLength = 256

    private let framesWatched = Atomic<Int>(0)
    private let lifecycleWatched = Atomic<Int>(0)
    private let problemsWatched = Atomic<Int>(0)
    private let watchers = Mutex<(next: Int, all: [Int: (interest: Interest, call: Watcher)])>((0, [:]))

    /// Whether anyone watches `interest` (one kind).
    func isWatched(_ interest: Interest) -> Bool {
        switch interest {
        case .frames: framesWatched.load(ordering: .relaxed) > 0
        case .lifecycle: lifecycleWatched.load(ordering: .relaxed) > 0
        default: problemsWatched.load(ordering: .relaxed) > 0
        }
    }

    /// Calls `watcher` with every event of the kinds in `interest` from now on (on whatever thread
    /// the event happens) until `stopWatching` with the returned number.
    func watch(_ interest: Interest = .all, _ watcher: @escaping Watcher) -> Int {
        let id = watchers.withLock { state in
            state.next += 1
            state.all[state.next] = (interest, watcher)
            return state.next
        }
        count(interest, by: 1)
        return id
    }

    func stopWatching(_ id: Int) {
        if let removed = watchers.withLock({ $0.all.removeValue(forKey: id) }) { count(removed.interest, by: -1) }
    }

    private func count(_ interest: Interest, by change: Int) {
        if interest.contains(.frames) { framesWatched.add(change, ordering: .relaxed) }
        if interest.contains(.lifecycle) { lifecycleWatched.add(change, ordering: .relaxed) }
        if interest.contains(.problems) { problemsWatched.add(change, ordering: .relaxed) }
    }

    /// Tells every watcher of `interest`; `event` is only built when someone watches it.
    func publish(_ interest: Interest, _ event: @autoclosure () -> SocketEvent) {
        guard isWatched(interest) else { return }
        let made = event()
        for watcher in watchers.withLock({ $0.all.values.filter { $0.interest.contains(interest) } }) { watcher.call(made) }
    }

    /// The first bytes of a payload, copied so that an event does not keep a large buffer alive.
    static func preview(_ payload: ByteBuffer) -> ByteBuffer {
        var copy = ByteBuffer()
        if let head = payload.getSlice(at: payload.readerIndex, length: min(payload.readableBytes, previewLength)) { copy.writeImmutableBuffer(head) }
        return copy
    }
}
