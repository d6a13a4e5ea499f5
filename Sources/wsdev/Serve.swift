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

    @Flag(help: "Do not inject the live-reload script into HTML pages.")
    var noReload = false

    @Flag(help: "Do not negotiate permessage-deflate compression on WebSockets.")
    var noDeflate = false

    @Flag(name: .shortAndLong, help: "Print no access log lines (the banner and errors still show).")
    var quiet = false

    mutating func validate() throws {
        if let root, let documentRoot, root != documentRoot {
            throw ValidationError("Give the folder once: either as ROOT ('\(root)') or with --document-root ('\(documentRoot)').")
        }
    }

    func run() async throws {
        let configuration = ServerConfiguration(
            root: root ?? documentRoot ?? "public",
            host: host,
            port: port.number,
            handlersDirectory: handlers,
            liveReload: !noReload,
            deflate: !noDeflate,
            quiet: quiet,
            maxMessageBytes: maxMessage.bytes
        )
        do {
            let server = try WSDevServer(configuration: configuration)
            if handlers != nil {
                Console.write("note: --handlers is accepted, but script handlers are not built yet; only built-in endpoints run.\n", toError: true)
            }
            try await server.run()
        } catch let error as StartupError {
            Console.write("wsdev: error: \(error)\n", toError: true)
            throw ExitCode(1)
        }
    }
}
