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
              wsdev serve --host 0.0.0.0          reachable from other machines (off by default)
              wsdev serve --lan --open            for phones too, and open a browser
              wsdev serve app --spa --coi         single-page app using SharedArrayBuffer

            Live reload: saving a file reloads the pages that show it; saving a
            stylesheet restyles them in place. --no-reload turns it off.

            Built-in endpoint: /echo echoes text and binary messages; "Goodbye" is echoed,
            then the server closes the connection normally.
            """
    )

    @Argument(help: ArgumentHelp("Folder to serve.", valueName: "root"))
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

    @Flag(help: "Do not provide the built-in /echo and /chat endpoints.")
    var noBuiltins = false

    @Flag(help: "Do not negotiate permessage-deflate compression on WebSockets.")
    var noDeflate = false

    @Flag(name: .shortAndLong, help: "Print no access log lines (the banner and errors still show).")
    var quiet = false

    mutating func validate() throws {
        if let root, let documentRoot, root != documentRoot {
            throw ValidationError("Give the folder once: either as ROOT ('\(root)') or with --document-root ('\(documentRoot)').")
        }
        guard pingInterval >= 0.1, pingInterval <= 86_400 else {
            throw ValidationError("--ping-interval \(pingInterval) is out of range: give seconds between 0.1 and 86400 (a day); the default is 30.")
        }
        guard handlerTimeout >= 0.1, handlerTimeout <= 86_400 else {
            throw ValidationError("--handler-timeout \(handlerTimeout) is out of range: give seconds between 0.1 and 86400 (a day); the default is 10.")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads \(threads) is out of range: give 1 to 256 event-loop threads; the default is one per CPU core.")
        }
        if lan, let host {
            throw ValidationError("--lan listens on every interface and --host \(host) on one address: pick one (drop --host to use --lan, or drop --lan).")
        }
        for line in header {
            do { _ = try CustomHeader(parsing: line) } catch { throw ValidationError(error.description) }
        }
    }

    func run() async throws {
        var configuration = ServerConfiguration(
            root: root ?? documentRoot ?? "public",
            host: host,
            port: port.number,
            handlersDirectory: handlers,
            liveReload: !noReload,
            deflate: !noDeflate,
            quiet: quiet,
            maxMessageBytes: maxMessage.bytes
        )
        configuration.origins = OriginPolicy(allowed: origin, allowAny: allowAnyOrigin)
        configuration.builtins = !noBuiltins
        configuration.poll = poll
        configuration.spa = spa
        configuration.pingInterval = .milliseconds(Int64(pingInterval * 1000))
        configuration.handlerTimeout = .milliseconds(Int64(handlerTimeout * 1000))
        configuration.headers = header.compactMap { try? CustomHeader(parsing: $0) }
        configuration.cors = cors
        configuration.crossOriginIsolation = coi
        configuration.openBrowser = open
        configuration.lan = lan
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
