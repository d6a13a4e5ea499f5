import Synchronization

/// Path → endpoint. Guarded so the handlers directory can change it while connections come in.
public final class EndpointTable: Sendable {
    private let entries: Mutex<[String: any WebSocketEndpoint]>

    public init(_ entries: [String: any WebSocketEndpoint] = [:]) {
        self.entries = Mutex(entries)
    }

    public func endpoint(at path: some StringProtocol) -> (any WebSocketEndpoint)? {
        entries.withLock { $0[String(path)] }
    }

    public func set(_ endpoint: (any WebSocketEndpoint)?, at path: String) {
        entries.withLock { $0[path] = endpoint }
    }

    /// Sorted, for banners and error messages.
    public var listing: [(path: String, summary: String)] {
        entries.withLock { $0.map { ($0.key, $0.value.summary) } }.sorted { $0.path < $1.path }
    }
}
