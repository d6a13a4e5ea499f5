import ArgumentParser
import Foundation
import WSDevClient
import WSDevKit

/// `wsdev connect URL`: talk to a WebSocket from the terminal or a script, as websocat and wscat do.
struct Connect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a WebSocket and exchange messages from the terminal or a pipe.",
        discussion: """
            At a terminal, type a line and press Enter to send it: what you send
            shows after '> ', what arrives after '< '. Commands: /ping [TEXT],
            /close [CODE [REASON]], /binary HEX, /help. Ctrl-D or Ctrl-C closes.

            From a pipe or a file, each line is one message; once the input ends,
            wsdev waits until the server has been quiet for --linger seconds, then
            closes with 1000 and exits. Messages received go to standard output,
            one a line.

            --binary: lines are bytes in hexadecimal (48 69 or 4869), sent as
            binary messages; binary messages received are printed in hex too.
            --json: one JSON object per event (open, sent, message, ping, pong,
            close, error); binary data is base64 there.

            Exit status: 0 after a 1000 close; 1 after any other (its code and
            reason are printed); 2 when the WebSocket could not be opened (the
            server's reason is printed).

            Examples:
              wsdev connect ws://localhost:9998/echo
              echo hello | wsdev connect ws://localhost:9998/reverse
              wsdev connect ws://localhost:9998/chat --origin http://localhost:9998
              printf '01 02 ff\\n' | wsdev connect localhost:9998/echo --binary
              wsdev connect ws://localhost:9998/count --json
            """
    )

    @Argument(help: ArgumentHelp("The WebSocket's address, e.g. ws://localhost:9998/echo (ws:// may be left out).", valueName: "url"))
    var url: String

    @Option(name: [.customShort("H"), .long], help: ArgumentHelp("Send this header with the handshake, e.g. 'Authorization: Bearer abc' (repeatable).", valueName: "Name: value"))
    var header: [String] = []

    @Option(help: ArgumentHelp("Send this Origin, as a page from that site would, e.g. http://localhost:9998 (default: none, as programs send).", valueName: "origin"))
    var origin: String?

    @Option(name: .customLong("protocol"), help: ArgumentHelp("Offer this subprotocol (repeatable; the first is preferred).", valueName: "name"))
    var protocols: [String] = []

    @Flag(help: "Lines are bytes in hexadecimal, sent as binary messages; binary messages received are printed in hexadecimal.")
    var binary = false

    @Flag(help: "Print one JSON object per event on standard output, for scripts.")
    var json = false

    @Option(help: ArgumentHelp("Ping the server every SECONDS and show each pong's round trip.", valueName: "seconds"))
    var ping: Double?

    @Option(help: ArgumentHelp("Pipe mode: after the input ends, close once the server has been quiet this long (0: at once; at most 10 s of waiting).", valueName: "seconds"))
    var linger: Double = 0.5

    mutating func validate() throws {
        if let ping, !(0.05...86_400).contains(ping) {
            throw ValidationError("--ping \(ping) is out of range: give seconds between 0.05 and 86400, e.g. --ping 5.")
        }
        if !(0...3600).contains(linger) {
            throw ValidationError("--linger \(linger) is out of range: give seconds between 0 and 3600; the default is 0.5.")
        }
        for name in protocols where name.isEmpty || name.contains(where: { $0 == "," || $0 == " " || !$0.isASCII }) {
            throw ValidationError("--protocol '\(name)' is not a subprotocol name: give one token per --protocol, e.g. --protocol chat --protocol superchat.")
        }
    }

    func run() async throws {
        let request: ClientRequest
        do {
            request = ClientRequest(
                url: try WebSocketURL(parsing: url), origin: origin, protocols: protocols,
                headers: try header.map { line throws(ClientError) in try ClientRequest.header(parsing: line) })
        } catch {
            // Not a ValidationError: the usage text after it would bury the one line that matters.
            Console.write("wsdev connect: \(error.description)\n", toError: true)
            throw ExitCode(2)
        }
        var options = ConnectOptions(request: request, interactive: isatty(0) == 1, colour: TerminalColour.isWanted(on: 1))
        options.binary = binary
        options.json = json
        options.pingInterval = ping
        options.linger = linger
        let status = await ConnectSession.run(options)
        if status != 0 { throw ExitCode(status) }
    }
}
