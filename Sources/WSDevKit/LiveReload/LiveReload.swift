import Foundation
import Logging
import ServiceLifecycle

/// Live reload for one run of the server: a fresh token, the script for HTML pages, the reserved
/// endpoint the script connects to, and the watcher whose changes become reloads.
struct LiveReload: Sendable {
    let token: String
    let injector: ScriptInjector
    let endpoint: ReloadEndpoint
    let watcher: FileWatcher
    private let hub = ReloadHub()
    private let log: Logger

    /// `events`: refusals and failures of the pages' own WebSockets, which the pages are told of.
    init(root: DocumentRoot, poll: Bool, overlay: Bool = true, events: SocketEvents? = nil, log: Logger) {
        let token = String(UInt64.random(in: .min ... .max), radix: 16)
        self.token = token
        self.injector = ScriptInjector(token: token, started: Int(Date().timeIntervalSince1970), overlay: overlay)
        self.endpoint = ReloadEndpoint(token: token, hub: hub, root: root, log: log)
        self.watcher = FileWatcher(root: root.path.isEmpty ? "/" : root.path, poll: poll, logger: log)
        self.log = log
        if let events { PageErrors(hub: hub).watch(events) }
    }

    /// Starts watching at once, so that no edit made after the banner is missed.
    func start() -> Forwarder {
        Forwarder(changes: watcher.changes(), hub: hub, log: log)
    }

    /// Tells the pages about each batch of changes, until the server stops.
    struct Forwarder: Service {
        let changes: AsyncStream<[String]>
        let hub: ReloadHub
        let log: Logger

        func run() async {
            for await batch in changes.cancelOnGracefulShutdown() {
                log.info("\(hub.announce(batch))")
            }
        }
    }
}
