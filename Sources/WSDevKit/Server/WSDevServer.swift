import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// The whole product: static files and WebSocket endpoints on one port.
public struct WSDevServer: Sendable {
    public let configuration: ServerConfiguration
    public let endpoints: EndpointTable
    let root: DocumentRoot
    let registry = SessionRegistry()
    /// Every handler process, so that none outlives the server.
    let processes: ProcessTable
    /// What happens on the WebSockets, for the console and the pages' error channel.
    let events = SocketEvents()
    let accessLog: Logger
    let libraryLog: Logger
    let handlers: HandlerDirectory?
    /// nil with `--no-reload`.
    let liveReload: LiveReload?
    /// Why this folder is served, when ROOT was not given and there is no `public/`.
    let rootNote: String?
    /// Who may open the live console (`/__wsdev/`), and its token for other devices.
    let consoleAccess = ConsoleAccess()
    /// Set when a signal starts the shutdown.
    let stopSignal = StopSignal()
    let console: ConsoleHub

    public init(configuration: ServerConfiguration) throws(StartupError) {
        self.configuration = configuration
        let choice = RootChoice.choose(given: configuration.root)
        self.root = try DocumentRoot(path: choice.path)
        self.rootNote = choice.note
        self.processes = ProcessTable(limit: configuration.maxHandlerProcesses, perOwner: configuration.maxProcessesPerHandler)
        self.endpoints = EndpointTable(configuration.builtins ? ["/echo": EchoEndpoint(), "/chat": ChatEndpoint()] : [:])
        self.accessLog = Logger(label: "wsdev") { _ in
            ConsoleLogHandler(level: configuration.quiet ? .notice : .info)
        }
        self.libraryLog = Logger(label: "wsdev.library") { _ in
            ConsoleLogHandler(level: configuration.tuning.traceLibrary ? .trace : .error, prefix: "[library] ")
        }
        self.handlers = try Self.handlerDirectory(configuration, table: endpoints, processes: processes, events: events, log: accessLog)
        self.liveReload = configuration.liveReload
            ? LiveReload(root: root, poll: configuration.poll, overlay: configuration.errorOverlay, events: events, log: accessLog) : nil
        if let liveReload { endpoints.set(liveReload.endpoint, at: ReloadScript.path) }
        self.console = ConsoleHub(events: events, registry: registry, endpoints: endpoints, frameLimit: configuration.consoleFrames)
        endpoints.set(ConsoleEndpoint(hub: console, access: consoleAccess), at: ConsoleEndpoint.path)
    }

    /// `--handlers DIR`, or `./handlers` when it exists, as pywebsocket users expect.
    private static func handlerDirectory(
        _ configuration: ServerConfiguration, table: EndpointTable, processes: ProcessTable, events: SocketEvents, log: Logger
    ) throws(StartupError) -> HandlerDirectory? {
        let path = configuration.handlersDirectory
        var isDirectory: ObjCBool = false
        guard path != nil || (FileManager.default.fileExists(atPath: "handlers", isDirectory: &isDirectory) && isDirectory.boolValue) else { return nil }
        return try HandlerDirectory(
            path: path ?? "handlers", table: table, processes: processes, maxMessageBytes: configuration.maxMessageBytes,
            handlerTimeout: configuration.handlerTimeout, events: events, log: log)
    }

    /// Runs until SIGINT or SIGTERM; throws `StartupError` when it cannot listen.
    public func run(onReady: @escaping @Sendable (_ port: Int) -> Void = { _ in }) async throws {
        let maxMessage = configuration.maxMessageBytes
        let hosts = configuration.hostPolicy
        let router = RequestRouter(
            statics: StaticResponder(root: root, sniffer: MagicSniffer(), injector: liveReload?.injector, spa: configuration.spa, endpoints: endpoints),
            endpoints: endpoints, accessLog: accessLog,
            devHeaders: DevHeaders(custom: configuration.headers, cors: configuration.cors, coi: configuration.crossOriginIsolation),
            hosts: hosts, fastPath: configuration.tuning.staticFastPath, console: ConsolePages(access: consoleAccess, stopSignal: stopSignal))
        let route = ConnectionPipeline(
            handshake: Handshake(endpoints: endpoints, deflate: configuration.deflate, origins: configuration.origins, hosts: hosts),
            sessions: SessionRunner(registry: registry, maxMessageBytes: maxMessage, pingInterval: configuration.pingInterval, accessLog: accessLog, events: events),
            accessLog: accessLog,
            fastPath: router.fastPath,
            headTimeout: TimeAmount(configuration.headTimeout),
            idleTimeout: TimeAmount(configuration.idleTimeout),
            limits: ConnectionLimits(
                total: configuration.maxConnections ?? ConnectionLimits.defaultTotal(descriptorLimit: ConnectionLimits.raiseDescriptorLimit()),
                perAddress: configuration.maxConnectionsPerAddress),
            events: events)
        let http = HTTP1Channel(responder: { request, writer, channel in try await router.respond(to: request, writer: writer, channel: channel) })
        let rootPath = root.path.isEmpty ? "/" : root.path
        let endpoints = self.endpoints
        let loopback = configuration.isLoopbackDefault
        let configuration = self.configuration
        let rootNote = self.rootNote
        let consoleToken = consoleAccess.token
        let reloadNote = liveReload.map { _ in
            "  live reload\(configuration.poll ? " (polling)" : ""): pages reload when their files change; --no-reload turns it off"
        }
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoops)
        defer { loops.shutdownGracefully { _ in } }
        let listeners = Listeners(
            hosts: configuration.bindHosts,
            port: configuration.port,
            loops: loops,
            optionalHosts: configuration.lan ? ["::", "0.0.0.0"] : loopback ? ["::1"] : [],
            route: route,
            http: http,
            logger: libraryLog
        ) { [handlers] hosts, port in
            let notes = (rootNote.map { [$0] } ?? [])
                + ConsoleBanner.lines(port: port, host: configuration.host, lan: configuration.lan, token: consoleToken)
                + (reloadNote.map { [$0] } ?? []) + (configuration.everyInterface ? LANBanner.lines(port: port) : [])
            // Listening already; the banner waits (briefly) for the handlers' checks, so it can name those that cannot run.
            let problems = await handlers?.problems(within: .seconds(3)) ?? []
            Console.write(Banner.text(
                root: rootPath, hosts: hosts, port: port, endpoints: endpoints.listing, loopbackDefault: loopback,
                notes: notes, problems: problems, colour: TerminalColour.isWanted(on: 1)))
            if configuration.openBrowser { BrowserLauncher.open(Self.localURL(configuration, port: port)) }
            onReady(port)
        }
        // Watching starts here, before the banner, so no edit made after it is missed.
        let reloads = liveReload.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0.start(), successTerminationBehavior: .ignore) }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: listeners)] + (reloads.map { [$0] } ?? []), gracefulShutdownSignals: [], logger: libraryLog))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask { await stopOnSignal(group) }
            if let handlers { tasks.addTask { await handlers.watch(poll: configuration.poll) } }
            try await tasks.next()
            tasks.cancelAll()
        }
    }

    /// Where `--open` points the browser: localhost unless one address was chosen.
    private static func localURL(_ configuration: ServerConfiguration, port: Int) -> String {
        guard let host = configuration.host, !configuration.isLoopbackDefault, !["0.0.0.0", "::"].contains(host) else {
            return "http://localhost:\(port)/"
        }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/"
    }

    /// SIGINT/SIGTERM: 1001 to every WebSocket, let in-flight responses finish, be gone within a second.
    private func stopOnSignal(_ group: ServiceGroup) async {
        var stopping = false
        for await signal in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
            if stopping {
                processes.killAll()
                exit(0)
            }
            stopping = true
            stopSignal.stop()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(800)) { [processes] in
                processes.killAll()
                exit(0)
            }
            let open = registry.count
            accessLog.notice("\(signal) received: closing \(open) WebSocket connection\(open == 1 ? "" : "s") with 1001 and stopping")
            async let stopped: Void = processes.stopAll(grace: .milliseconds(300), limit: .milliseconds(600))
            await registry.goAway(within: .milliseconds(400))
            await stopped
            await group.triggerGracefulShutdown()
        }
    }
}
