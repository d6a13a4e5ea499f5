import Foundation
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import WSCompression
import WSCore

/// The whole product: static files and WebSocket endpoints on one port.
public struct WSDevServer: Sendable {
    public let configuration: ServerConfiguration
    public let endpoints: EndpointTable
    let root: DocumentRoot
    let registry = SessionRegistry()
    let accessLog: Logger
    let libraryLog: Logger

    public init(configuration: ServerConfiguration) throws(StartupError) {
        self.configuration = configuration
        self.root = try DocumentRoot(path: configuration.root)
        self.endpoints = EndpointTable(["/echo": EchoEndpoint()])
        self.accessLog = Logger(label: "wsdev") { _ in
            ConsoleLogHandler(level: configuration.quiet ? .warning : .info)
        }
        self.libraryLog = Logger(label: "wsdev.library") { _ in
            ConsoleLogHandler(level: ProcessInfo.processInfo.environment["WSDEV_DEBUG"] == nil ? .error : .trace, prefix: "[library] ")
        }
    }

    /// Runs until SIGINT or SIGTERM; throws `StartupError` when it cannot listen.
    public func run(onReady: @escaping @Sendable (_ port: Int) -> Void = { _ in }) async throws {
        let maxMessage = configuration.maxMessageBytes
        let router = RequestRouter(statics: StaticResponder(root: root, sniffer: MagicSniffer()), endpoints: endpoints, accessLog: accessLog)
        let extensions: [any WebSocketExtensionBuilder] = configuration.deflate
            ? [WebSocketExtensionFactory.perMessageDeflate(maxDecompressedFrameSize: maxMessage).build()] : []
        let channel = UpgradeChannel(
            responder: { request, writer, channel in try await router.respond(to: request, writer: writer, channel: channel) },
            handshake: Handshake(endpoints: endpoints, extensions: extensions),
            sessions: SessionRunner(registry: registry, maxMessageBytes: maxMessage, accessLog: accessLog, libraryLog: libraryLog),
            maxFrameSize: maxMessage,
            accessLog: accessLog
        )
        let rootPath = root.path.isEmpty ? "/" : root.path
        let endpoints = self.endpoints
        let loopback = configuration.isLoopbackDefault
        let listeners = Listeners(
            hosts: configuration.bindHosts,
            port: configuration.port,
            optionalHosts: loopback ? ["::1"] : [],
            childChannel: channel,
            logger: libraryLog
        ) { hosts, port in
            Console.write(Banner.text(root: rootPath, hosts: hosts, port: port, endpoints: endpoints.listing, loopbackDefault: loopback))
            onReady(port)
        }
        let group = ServiceGroup(configuration: .init(services: [listeners], gracefulShutdownSignals: [], logger: libraryLog))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask { await stopOnSignal(group) }
            try await tasks.next()
            tasks.cancelAll()
        }
    }

    /// SIGINT/SIGTERM: 1001 to every WebSocket, let in-flight responses finish, be gone within a second.
    private func stopOnSignal(_ group: ServiceGroup) async {
        var stopping = false
        for await signal in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
            if stopping { exit(0) }
            stopping = true
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(950)) { exit(0) }
            let open = registry.count
            accessLog.notice("\(signal) received: closing \(open) WebSocket connection\(open == 1 ? "" : "s") with 1001 and stopping")
            await registry.goAway(within: .milliseconds(400))
            await group.triggerGracefulShutdown()
        }
    }
}
