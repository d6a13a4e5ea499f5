import NIOCore
import Synchronization

/// Pings the quiet WebSockets that `WebSocketSession` serves: one repeated task per event loop for all
/// of its sessions, rather than one per connection, whose scheduling and cancelling cost short
/// connections a measurable share of the server's CPU.
///
/// A session is checked at every sweep: anything heard since the last one earns a ping, nothing
/// at all closes it (1001). So a ping goes out within one interval, and a silent peer is closed
/// one to two intervals after its last word.
final class PingSweeps: Sendable {
    private let interval: TimeAmount
    private let sweeps = Mutex<[ObjectIdentifier: NIOLoopBound<PingSweep>]>([:])

    init(interval: TimeAmount) {
        self.interval = interval
    }

    /// The sweep of `loop`, which the caller runs on.
    func sweep(on loop: any EventLoop) -> PingSweep {
        let key = ObjectIdentifier(loop as AnyObject)
        let bound = sweeps.withLock { all in
            if let existing = all[key] { return existing }
            let made = NIOLoopBound(PingSweep(loop: loop, interval: interval), eventLoop: loop)
            all[key] = made
            return made
        }
        return bound.value
    }
}

/// The sessions of one event loop, checked once per interval.
final class PingSweep {
    private var sessions: [ObjectIdentifier: WebSocketSession] = [:]

    fileprivate init(loop: any EventLoop, interval: TimeAmount) {
        let sweep = NIOLoopBound(self, eventLoop: loop)
        loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in sweep.value.check() }
    }

    func add(_ session: WebSocketSession) { sessions[ObjectIdentifier(session)] = session }
    func remove(_ session: WebSocketSession) { sessions[ObjectIdentifier(session)] = nil }

    private func check() {
        for session in sessions.values { session.checkAlive() }  // a copy: sessions may close meanwhile
    }
}
