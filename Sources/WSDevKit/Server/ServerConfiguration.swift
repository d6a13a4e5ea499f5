import Foundation
import NIOCore

/// Everything `wsdev serve` can be told; the CLI fills it in, tests build it directly.
public struct ServerConfiguration: Sendable {
    /// Directory whose files are served; nil: `public/` when there is one, else the current folder.
    public var root: String?
    /// `nil` means loopback: both 127.0.0.1 and ::1, because browsers resolve `localhost` to either.
    public var host: String?
    /// 0 picks a free port.
    public var port: Int
    public var handlersDirectory: String?
    public var liveReload: Bool
    public var deflate: Bool
    public var quiet: Bool
    /// Largest WebSocket message accepted; a bigger one closes the connection with 1009.
    public var maxMessageBytes: Int
    /// Which web pages may open WebSockets here (`--origin`, `--allow-any-origin`).
    public var origins = OriginPolicy()
    /// `--allowed-host`: names besides localhost and IP addresses that requests may give in `Host`.
    public var allowedHosts = AllowedHosts()
    /// `/echo` and `/chat`; off with `--no-builtins`.
    public var builtins = true
    /// `--poll`: live reload compares the tree periodically instead of using inotify.
    public var poll = false
    /// `--spa`: a path with nothing behind it, asked for as HTML, gets `/index.html`.
    public var spa = false
    /// `--header 'Name: value'`, added to every HTTP answer.
    public var headers: [CustomHeader] = []
    /// `--cors`: `Access-Control-Allow-Origin: *` and answered preflights.
    public var cors = false
    /// `--coi`: the cross-origin-isolation headers (COOP same-origin, COEP require-corp).
    public var crossOriginIsolation = false
    /// `--open`: open the default browser once listening.
    public var openBrowser = false
    /// `--lan`: listen on every interface and print the network URLs with a QR code.
    public var lan = false
    /// `--ping-interval`: an idle WebSocket is pinged this often, and closed (1001) when a whole
    /// interval passes after a ping with nothing heard from the client.
    public var pingInterval: Duration = .seconds(30)
    /// `--handler-timeout`: how long a pywebsocket handler's thread may run on after its client left
    /// (it is asked to stop after a moment) before wsdev restarts that handler's python3 process.
    public var handlerTimeout: Duration = .seconds(10)
    /// `--head-timeout`: how long a connection's first request head may take to arrive (408 after).
    public var headTimeout: Duration = .seconds(10)
    /// `--idle-timeout`: how long a keep-alive HTTP connection may wait for its next request, or
    /// a client may go without reading an answer, before the server closes it.
    public var idleTimeout: Duration = .seconds(60)
    /// `--max-connections`: connections kept at once; nil: the descriptor limit less a reserve.
    public var maxConnections: Int?
    /// `--max-connections-per-address`: connections one client address may keep (loopback clients
    /// count only toward the total).
    public var maxConnectionsPerAddress = 256
    /// `--max-handler-processes`: handler processes running at once, over all endpoints.
    public var maxHandlerProcesses = 1024
    /// `--max-processes-per-handler`: handler processes one handler file may run at once.
    public var maxProcessesPerHandler = 256
    /// `--console-frames`: frames the live console keeps per connection for a console that opens later.
    public var consoleFrames = 200
    /// `--no-overlay` turns off the box pages show over themselves for a refused or failed WebSocket
    /// (the message still goes to the page's console).
    public var errorOverlay = true
    /// Switches for comparing the server's paths in tests and benchmarks; not for users.
    public struct Tuning: Sendable {
        /// `FastFileHandler` repeats small static answers on the event loop (`--no-fast-path` turns it off).
        public var staticFastPath = true
        /// Log what SwiftNIO and the libraries say, at trace level (`--trace-library`).
        public var traceLibrary = false

        public init() {}
    }

    public var tuning = Tuning()
    /// `--threads`: event-loop threads, each with its own listening socket.
    public var eventLoops = ServerConfiguration.defaultEventLoops

    /// One per core, as NIO's default: one loop spends less CPU per short-lived WebSocket, but two
    /// carry more echoes, bulk data and static requests (Benchmarks/README.md has the figures);
    /// `--threads 1` is there for machines where the server shares its cores.
    public static var defaultEventLoops: Int { System.coreCount }

    public init(
        root: String? = nil,
        host: String? = nil,
        port: Int = 9998,
        handlersDirectory: String? = nil,
        liveReload: Bool = true,
        deflate: Bool = true,
        quiet: Bool = false,
        maxMessageBytes: Int = 16 << 20
    ) {
        self.root = root
        self.host = host
        self.port = port
        self.handlersDirectory = handlersDirectory
        self.liveReload = liveReload
        self.deflate = deflate
        self.quiet = quiet
        self.maxMessageBytes = maxMessageBytes
    }

    /// The hosts to listen on, in bind order.
    var bindHosts: [String] {
        // "::" first: where it is dual-stack it also takes IPv4, and 0.0.0.0 is then redundant.
        if lan { return ["::", "0.0.0.0"] }
        switch host {
        case nil, "localhost": return ["127.0.0.1", "::1"]
        case let host?: return [host]
        }
    }

    var isLoopbackDefault: Bool { host == nil || host == "localhost" }

    /// `--lan`, or `--host 0.0.0.0` / `--host ::`: reachable from the network, so the banner lists
    /// the network URLs with a QR code.
    var everyInterface: Bool { lan || host == "0.0.0.0" || host == "::" }

    /// `allowedHosts`, and the names this server was told it goes by: `--host NAME`, and on every
    /// interface (`--lan`, `--host 0.0.0.0`) the machine's names, which phones may be given.
    var hostPolicy: AllowedHosts {
        var policy = allowedHosts
        if let host, !host.contains(":") { policy.add(name: host) }
        if everyInterface {
            for name in MachineNames.current() { policy.add(name: name) }
        }
        return policy
    }
}
