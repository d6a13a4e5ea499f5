import Synchronization

/// Path → endpoint, in two layers: handler files override built-ins with the same path.
/// Guarded, because the handlers folder changes while connections come in.
public final class EndpointTable: Sendable {
    private struct Layers {
        var builtins: [String: any WebSocketEndpoint]
        var handlers: [String: any WebSocketEndpoint] = [:]
    }

    private let layers: Mutex<Layers>

    public init(_ builtins: [String: any WebSocketEndpoint] = [:]) {
        self.layers = Mutex(Layers(builtins: builtins))
    }

    public func endpoint(at path: some StringProtocol) -> (any WebSocketEndpoint)? {
        let path = String(path)
        return layers.withLock { $0.handlers[path] ?? $0.builtins[path] }
    }

    /// Adds (or with nil removes) a built-in endpoint.
    public func set(_ endpoint: (any WebSocketEndpoint)?, at path: String) {
        layers.withLock { $0.builtins[path] = endpoint }
    }

    /// Whether a built-in answers `path` when no handler does.
    func hasBuiltin(at path: String) -> Bool {
        layers.withLock { $0.builtins[path] != nil }
    }

    /// Replaces every handler endpoint at once, so a rescan is never seen half done.
    func replaceHandlers(_ handlers: [String: any WebSocketEndpoint]) {
        layers.withLock { $0.handlers = handlers }
    }

    /// Sorted, for banners and error messages; reserved `/__wsdev/` paths are not listed. A handler
    /// in a built-in's place says so, since a teacher's `echo_wsh.py` behaves unlike wsdev's `/echo`.
    public var listing: [(path: String, summary: String)] {
        layers.withLock { layers in
            layers.builtins.merging(layers.handlers) { $1 }.map { path, endpoint in
                let replaces = layers.handlers[path] != nil && layers.builtins[path] != nil
                return (path, endpoint.summary + (replaces ? " — replaces built-in \(path)" : ""))
            }
        }
        .filter { !ReservedPaths.contains($0.path) }
        .sorted { $0.path < $1.path }
    }
}

extension EndpointTable {
    /// A handler answers at /count and /count.sh; lists name it once.
    static func withoutAliases(_ endpoints: [(path: String, summary: String)]) -> [(path: String, summary: String)] {
        endpoints.filter { endpoint in
            let name = endpoint.path.split(separator: "/").last ?? ""
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return true }
            let bare = String(endpoint.path.dropLast(name.distance(from: dot, to: name.endIndex)))
            return !endpoints.contains { $0.path == bare && $0.summary.hasPrefix(endpoint.summary) }
        }
    }
}
