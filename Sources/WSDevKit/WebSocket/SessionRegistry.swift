import Foundation
import NIOCore
import Synchronization

/// The open WebSocket connections, so a shutdown can say goodbye (1001) to each, and the live
/// console can list them with their counters whenever it opens (no console need have watched).
final class SessionRegistry: Sendable {
    /// Sent with `channel.triggerUserOutboundEvent` to close with 1001 (server going away).
    struct GoingAway: Sendable {}

    /// One open connection. Kept whether or not a console is open: it is stored once per
    /// connection, and its counters are the ones the access log's close line reads anyway. A class,
    /// so that the table's slots stay a pointer wide (a held connection's memory is a benchmark
    /// target), and the connection's details are the socket's own copy.
    final class Entry: Sendable {
        let channel: any Channel
        let socket: WebSocket
        let endpoint: any WebSocketEndpoint
        let deflate: Bool
        let opened: Date
        let stats: SessionStats
        var info: ConnectionInfo { socket.info }

        init(channel: any Channel, socket: WebSocket, endpoint: any WebSocketEndpoint, deflate: Bool, opened: Date, stats: SessionStats) {
            self.channel = channel
            self.socket = socket
            self.endpoint = endpoint
            self.deflate = deflate
            self.opened = opened
            self.stats = stats
        }
    }

    private let entries = Mutex<[Int: Entry]>([:])

    func add(_ entry: Entry) { entries.withLock { $0[entry.info.id] = entry } }
    func remove(_ id: Int) { entries.withLock { $0[id] = nil } }
    var count: Int { entries.withLock { $0.count } }

    /// The users' connections (not wsdev's own), oldest first.
    var open: [Entry] {
        entries.withLock { $0.values.filter { !ReservedPaths.contains($0.info.path) } }.sorted { $0.info.id < $1.info.id }
    }

    /// Sends 1001 on every connection, then waits (bounded) for the clients to answer.
    func goAway(within limit: Duration) async {
        let open = entries.withLock { $0.values.map(\.channel) }
        for channel in open {
            channel.triggerUserOutboundEvent(GoingAway(), promise: nil)
        }
        let deadline = ContinuousClock.now + limit
        while count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for channel in entries.withLock({ $0.values.map(\.channel) }) {
            channel.close(promise: nil)
        }
    }
}
