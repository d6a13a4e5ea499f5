import NIOCore
import Synchronization

/// The open WebSocket connections, so a shutdown can say goodbye (1001) to each.
final class SessionRegistry: Sendable {
    /// Sent with `channel.triggerUserOutboundEvent` to close with 1001 (server going away).
    struct GoingAway: Sendable {}

    private let channels = Mutex<[Int: any Channel]>([:])

    func add(_ id: Int, _ channel: any Channel) { channels.withLock { $0[id] = channel } }
    func remove(_ id: Int) { channels.withLock { $0[id] = nil } }
    var count: Int { channels.withLock { $0.count } }

    /// Sends 1001 on every connection, then waits (bounded) for the clients to answer.
    func goAway(within limit: Duration) async {
        let open = channels.withLock { Array($0.values) }
        for channel in open {
            channel.triggerUserOutboundEvent(GoingAway(), promise: nil)
        }
        let deadline = ContinuousClock.now + limit
        while count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for channel in channels.withLock({ Array($0.values) }) {
            channel.close(promise: nil)
        }
    }
}
