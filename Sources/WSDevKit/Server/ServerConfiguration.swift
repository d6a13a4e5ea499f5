import Foundation
import NIOCore

/// Everything `wsdev serve` can be told; the CLI fills it in, tests build it directly.
public struct ServerConfiguration: Sendable {
    /// Directory whose files are served.
    public var root: String
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
    /// `--threads`: event-loop threads, each with its own listening socket.
    public var eventLoops = ServerConfiguration.defaultEventLoops

    /// One per core, as NIO's default. Measured on two cores with the load generator alongside
    /// (Benchmarks/README.md): one loop spent less CPU per short-lived WebSocket (72-119 µs
    /// against 106-185 in alternating runs), but two carried more echoes, bulk data and static requests; `--threads 1`
    /// is there for machines where the server shares little.
    public static var defaultEventLoops: Int { System.coreCount }

    public init(
        root: String = "public",
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
}
