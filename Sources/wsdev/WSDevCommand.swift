import ArgumentParser
import WSDevKit

/// `wsdev` and its subcommands; `Entry` runs it.
struct WSDevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wsdev",
        abstract: "Serve a static site and live WebSocket endpoints from one port.",
        discussion: """
            Start with `wsdev serve public/` and open http://localhost:9998/. Pages connect to
            ws://localhost:9998/echo (and any other endpoint listed at startup) on the same port.
            """,
        version: WSDev.version,
        subcommands: [Serve.self, Connect.self, BenchCommand.self],
        defaultSubcommand: Serve.self
    )
}
