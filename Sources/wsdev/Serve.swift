import ArgumentParser
import Foundation
import WSDevKit

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve ROOT over HTTP and the WebSocket endpoints on the same port.",
        discussion: """
            Examples:
              wsdev serve public/                 the tutorial page on http://localhost:9998/
              wsdev serve site -p 8080            another folder, another port
              wsdev serve -p 9998 -w handlers/    pywebsocket-style: port and handlers folder
              wsdev -p 9998 -w ../example/        the classic tutorial's command: serves this folder
              wsdev serve --host 0.0.0.0          reachable from other machines (off by default)
              wsdev serve --lan --open            for phones too, and open a browser
              wsdev serve app --spa --coi         single-page app using SharedArrayBuffer

            Live reload: saving a file reloads the pages that show it; saving a
            stylesheet restyles them in place. --no-reload turns it off.

            Built-in endpoint: /echo echoes text and binary messages; "Goodbye" is echoed,
            then the server closes the connection normally.
            """
    )

    @Argument(help: ArgumentHelp("Folder to serve (default: public/, or the current folder when there is none).", valueName: "root"))
    var root: String?

    @Option(name: [.customShort("d"), .long], help: ArgumentHelp("Same as ROOT (pywebsocket's name for it).", valueName: "dir"))
    var documentRoot: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Port to listen on; 0 or 'auto' picks a free one.", valueName: "port"))
    var port: PortOption = .fixed(9998)

    @Option(name: [.customShort("H"), .long], help: ArgumentHelp("Address to listen on. Default: localhost only (127.0.0.1 and ::1).", valueName: "host"))
    var host: String?

    @Option(name: [.customShort("w"), .long], help: ArgumentHelp("Folder of WebSocket handlers (default ./handlers when it exists).", valueName: "dir"))
    var handlers: String?

    @Option(help: ArgumentHelp("Largest WebSocket message accepted, e.g. 16M, 512K, 65536; bigger ones close with 1009.", valueName: "size"))
    var maxMessage: ByteSize = ByteSize(bytes: 16 << 20)

    @Option(help: ArgumentHelp("Seconds between pings to a quiet WebSocket; one that stays silent for a further interval is closed with 1001.", valueName: "seconds"))
    var pingInterval: Double = 30

    @Option(help: ArgumentHelp("Seconds a connection's first request head may take to arrive; slower ones get 408 and are closed.", valueName: "seconds"))
    var headTimeout: Double = 10

    @Option(help: ArgumentHelp("Seconds a keep-alive HTTP connection may wait for its next request (or a client may go without reading an answer) before it is closed.", valueName: "seconds"))
    var idleTimeout: Double = 60

    @Option(help: ArgumentHelp("Connections kept open at once; more get 503. Default: what the descriptor limit allows, less a reserve.", valueName: "n"))
    var maxConnections: Int?

    @Option(help: ArgumentHelp("Connections one client address may keep open (clients on this machine count only toward --max-connections).", valueName: "n"))
    var maxConnectionsPerAddress: Int = 256

    @Option(help: ArgumentHelp("Handler processes running at once, over all endpoints (websocketd's default, 1024); more handshakes get 503.", valueName: "n"))
    var maxHandlerProcesses: Int = 1024

    @Option(help: ArgumentHelp("Processes one handler file may run at once; more handshakes on it get 503.", valueName: "n"))
    var maxProcessesPerHandler: Int = 256

    @Option(help: ArgumentHelp("Frames the live console (/__wsdev/) keeps per connection, for a console opened later.", valueName: "n"))
    var consoleFrames: Int = 200

    @Flag(help: "Pages show a refused or failed WebSocket only in their browser console, not also in a box over the page.")
    var noOverlay = false

    @Option(help: ArgumentHelp("Seconds a pywebsocket handler (NAME_wsh.py) may keep running after its client left before wsdev restarts its python3 process; it is asked to stop before that.", valueName: "seconds"))
    var handlerTimeout: Double = 10

    @Option(help: ArgumentHelp("Event-loop threads, each with its own listening socket. Default: one per CPU core.", valueName: "n"))
    var threads: Int?

    @Flag(help: "No live reload: HTML pages are sent exactly as they are on disk, and files are not watched.")
    var noReload = false

    @Flag(help: "Watch ROOT (live reload) and the handlers folder by polling every 250 ms instead of inotify (network and container file systems).")
    var poll = false

    @Flag(help: "Single-page app: a path with no file behind it, asked for as HTML, gets /index.html.")
    var spa = false

    @Option(help: ArgumentHelp("Add this header to every HTTP answer, e.g. 'X-Frame-Options: DENY' (repeatable).", valueName: "Name: value"))
    var header: [String] = []

    @Flag(help: "Allow cross-origin requests: Access-Control-Allow-Origin: * on every answer, and OPTIONS preflights answered.")
    var cors = false

    @Flag(help: "Cross-origin isolation, for SharedArrayBuffer and wasm threads: COOP same-origin and COEP require-corp headers.")
    var coi = false

    @Flag(help: "Open the default browser on the page once the server listens (xdg-open, or open on macOS).")
    var open = false

    @Flag(help: "Listen on every network interface and print each network URL with a QR code for phones (default: localhost only).")
    var lan = false

    @Option(help: ArgumentHelp("Also let pages from this origin open WebSockets here, e.g. https://example.com (repeatable).", valueName: "origin"))
    var origin: [String] = []

    @Flag(help: "Let pages from any site open WebSockets here (off by default: only this server's, localhost and file:// pages may).")
    var allowAnyOrigin = false

    @Option(help: ArgumentHelp(
        "Also answer requests for this host name, e.g. myapp.test; .example.com allows the domain and its subdomains, any turns the check off (repeatable). localhost and IP addresses always work.",
        valueName: "name"))
    var allowedHost: [String] = []

    @Flag(help: "Do not provide the built-in /echo and /chat endpoints.")
    var noBuiltins = false

    @Flag(help: "Do not negotiate permessage-deflate compression on WebSockets.")
    var noDeflate = false

    @Flag(help: ArgumentHelp("Answer every request on the general path (for comparing paths in tests and benchmarks).", visibility: .hidden))
    var noFastPath = false

    @Flag(help: ArgumentHelp("Log what SwiftNIO and the other libraries say, at trace level.", visibility: .hidden))
    var traceLibrary = false

    @Flag(name: .shortAndLong, help: "Print no access log lines (the banner and errors still show).")
    var quiet = false

    mutating func validate() throws {
        if let root, let documentRoot, root != documentRoot {
            throw ValidationError("Give the folder once: either as ROOT ('\(root)') or with --document-root ('\(documentRoot)').")
        }
        let durations = [
            ("--ping-interval", pingInterval, 30.0), ("--head-timeout", headTimeout, 10.0), ("--idle-timeout", idleTimeout, 60.0),
            ("--handler-timeout", handlerTimeout, 10.0),
        ]
        for (flag, value, usual) in durations where !(0.1...86_400).contains(value) {
            throw ValidationError("\(flag) \(value) is out of range: give seconds between 0.1 and 86400 (a day); the default is \(Int(usual)).")
        }
        if let maxConnections, maxConnections < 1 {
            throw ValidationError("--max-connections \(maxConnections) is too small: give at least 1.")
        }
        for (flag, value) in [("--max-handler-processes", maxHandlerProcesses), ("--max-processes-per-handler", maxProcessesPerHandler)] where value < 1 {
            throw ValidationError("\(flag) \(value) is too small: give at least 1.")
        }
        if maxConnectionsPerAddress < 1 {
            throw ValidationError("--max-connections-per-address \(maxConnectionsPerAddress) is too small: give at least 1.")
        }
        if !(0...100_000).contains(consoleFrames) {
            throw ValidationError("--console-frames \(consoleFrames) is out of range: give 0 to 100000 frames per connection; the default is 200.")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads \(threads) is out of range: give 1 to 256 event-loop threads; the default is one per CPU core.")
        }
        if lan, let host {
            throw ValidationError("--lan listens on every interface and --host \(host) on one address: pick one (drop --host to use --lan, or drop --lan).")
        }
        for value in origin {
            if let problem = OriginPolicy.problem(with: value) { throw ValidationError(problem) }
        }
        for value in allowedHost {
            if let problem = AllowedHosts.problem(with: value) { throw ValidationError(problem) }
        }
        for line in header {
            do { _ = try CustomHeader(parsing: line) } catch { throw ValidationError(error.description) }
        }
    }

    func run() async throws {
        var configuration = ServerConfiguration(
            root: root ?? documentRoot,
            host: host,
            port: port.number,
            handlersDirectory: handlers,
            liveReload: !noReload,
            deflate: !noDeflate,
            quiet: quiet,
            maxMessageBytes: maxMessage.bytes
        )
        configuration.origins = OriginPolicy(allowed: origin, allowAny: allowAnyOrigin)
        configuration.allowedHosts = AllowedHosts(allowedHost)
        configuration.builtins = !noBuiltins
        configuration.poll = poll
        configuration.spa = spa
        configuration.pingInterval = .milliseconds(Int64(pingInterval * 1000))
        configuration.headTimeout = .milliseconds(Int64(headTimeout * 1000))
        configuration.maxConnections = maxConnections
        configuration.tuning.staticFastPath = !noFastPath
        configuration.tuning.traceLibrary = traceLibrary
        configuration.maxHandlerProcesses = maxHandlerProcesses
        configuration.maxProcessesPerHandler = maxProcessesPerHandler
        configuration.maxConnectionsPerAddress = maxConnectionsPerAddress
        configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        configuration.handlerTimeout = .milliseconds(Int64(handlerTimeout * 1000))
        configuration.headers = header.compactMap { try? CustomHeader(parsing: $0) }
        configuration.cors = cors
        configuration.crossOriginIsolation = coi
        configuration.openBrowser = open
        configuration.lan = lan
        configuration.consoleFrames = consoleFrames
        configuration.errorOverlay = !noOverlay
        if let threads { configuration.eventLoops = threads }
        do {
            let server = try WSDevServer(configuration: configuration)
            try await server.run()
        } catch let error as StartupError {
            Console.write("wsdev: error: \(error)\n", toError: true)
            throw ExitCode(1)
        }
    }
}
