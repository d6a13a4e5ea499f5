import Dispatch
import Foundation
import WSWire

/// `wsdev connect`: one WebSocket between the user (a terminal, a pipe, or a script reading
/// `--json`) and a server. Every input (keys or lines, the connection's events, timers, Ctrl-C)
/// arrives on one stream and is handled here in order, so nothing needs a lock.
///
/// Exit status: 0 when the connection closed with 1000, 1 when it closed otherwise (the code and
/// reason are printed), 2 when it never opened (no server, a refused handshake).
public final class ConnectSession {
    enum Input: Sendable {
        case event(ClientEvent)
        case keys([UInt8])
        case inputEnded
        case pingDue
        case lingerDue
        case interrupt
    }

    private let options: ConnectOptions
    private let client: WebSocketClient
    private let printer: ConnectPrinter
    private let inputs: AsyncStream<Input>
    private let feed: AsyncStream<Input>.Continuation
    /// Input is edited here key by key (interactive, not `--json`).
    private let editing: Bool
    private var editor = LineEditor()
    private var unfinishedLine: [UInt8] = []
    private var closing = false
    private var inputEnd: ContinuousClock.Instant?
    private var lastHeard = ContinuousClock.now
    private var pingsSent = 0
    private var pingTimes: [[UInt8]: ContinuousClock.Instant] = [:]
    /// After the input ends, the longest wait for a server that keeps talking.
    private let lingerCap: Duration = .seconds(10)

    public static func run(_ options: ConnectOptions) async -> Int32 {
        let form: ConnectPrinter.Form = options.json ? .json : options.interactive ? .interactive : .pipe
        let printer = ConnectPrinter(form: form, colour: options.colour && form == .interactive)
        signal(SIGPIPE, SIG_IGN)
        let client: WebSocketClient
        do {
            client = try await WebSocketClient.connect(options.request)
        } catch {
            printer.failed(error)
            return 2
        }
        // Key by key before "connected" shows: a line typed as soon as it appears must reach the
        // editor, not the terminal's own echo and line buffer.
        let terminal = form == .interactive ? TerminalMode() : nil
        terminal?.enterRaw()
        defer { terminal?.restore() }
        printer.opened(options.request.url, client.handshake)
        return await ConnectSession(options: options, client: client, printer: printer).run()
    }

    private init(options: ConnectOptions, client: WebSocketClient, printer: ConnectPrinter) {
        self.options = options
        self.client = client
        self.printer = printer
        self.editing = options.interactive && !options.json
        (inputs, feed) = AsyncStream<Input>.makeStream()
    }

    private func run() async -> Int32 {
        let feed = self.feed
        let stream = client.events
        let events = Task {
            for await event in stream { feed.yield(.event(event)) }
        }
        StandardInput.start { bytes in feed.yield(bytes.map { .keys($0) } ?? .inputEnded) }
        let pinger = options.pingInterval.map { interval in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(interval))
                    feed.yield(.pingDue)
                }
            }
        }
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { feed.yield(.interrupt) }
            source.resume()
            return source
        }
        if editing {
            printer.editing = editor
            printer.redrawPrompt()
        }
        defer {
            events.cancel()
            pinger?.cancel()
            for source in signals { source.cancel() }
        }
        for await input in inputs {
            if let status = handle(input) { return status }
        }
        return 1
    }

    /// The exit status once the connection is over; nil while it goes on.
    private func handle(_ input: Input) -> Int32? {
        switch input {
        case .event(let event):
            return handle(event)
        case .keys(let bytes):
            if editing { return edit(bytes) }
            readLines(bytes)
        case .inputEnded:
            if !unfinishedLine.isEmpty { take(String(decoding: unfinishedLine, as: UTF8.self)) }
            unfinishedLine = []
            inputEnd = .now
            lastHeard = .now
            if editing || options.linger <= 0 { close() } else { lingerCheck(after: options.linger) }
        case .lingerDue:
            guard let inputEnd, !closing else { return nil }
            let quiet = ContinuousClock.now - lastHeard
            if quiet >= .seconds(options.linger) || ContinuousClock.now - inputEnd >= max(lingerCap, .seconds(options.linger)) {
                close()
            } else {
                lingerCheck(after: options.linger - quiet.seconds)
            }
        case .pingDue:
            ping(Array("wsdev \(pingsSent + 1)".utf8))
        case .interrupt:
            if closing { return 130 }  // a second Ctrl-C: do not wait for the server
            close()
        }
        return nil
    }

    private func handle(_ event: ClientEvent) -> Int32? {
        switch event {
        case .message(let message):
            lastHeard = .now
            printer.received(message)
        case .ping(let payload):
            printer.ping(payload)
        case .pong(let payload):
            let sent = pingTimes.removeValue(forKey: payload)
            printer.pong(payload, milliseconds: sent.map { (ContinuousClock.now - $0).seconds * 1000 })
        case .closed(let close):
            printer.closed(close)
            return close.code == CloseCode.normal ? 0 : 1
        }
        return nil
    }

    /// Keys at the terminal; 130 for a second Ctrl-C while the server is slow to answer the close.
    private func edit(_ bytes: [UInt8]) -> Int32? {
        for byte in bytes {
            if closing {
                if byte == 0x03 { return 130 }
                continue
            }
            switch editor.feed(byte) {
            case .none: continue
            case .redraw: break
            case .submit(let line):
                printer.editing = editor
                printer.submitted()
                if !line.isEmpty { take(line) }
                continue
            case .endOfInput, .interrupt:
                printer.editing = editor
                printer.submitted()
                close()
                continue
            }
            printer.editing = editor
            printer.redrawPrompt()
        }
        return nil
    }

    /// Pipe mode (and `--json`): each line is a message, its `\r\n` or `\n` taken off.
    private func readLines(_ bytes: [UInt8]) {
        unfinishedLine += bytes
        while let newline = unfinishedLine.firstIndex(of: 0x0A) {
            var line = unfinishedLine[..<newline]
            if line.last == 0x0D { line = line.dropLast() }
            take(String(decoding: line, as: UTF8.self))
            unfinishedLine.removeSubrange(...newline)
        }
    }

    /// One line of input: a slash command when typed at a terminal, otherwise a message.
    private func take(_ line: String) {
        guard !closing else { return printer.note("the connection is closing; not sent: \(ConnectPrinter.visible(line))") }
        var command = options.interactive ? SlashCommand(line: line) : .message(line)
        if options.binary, case .message(let text) = command {
            guard let bytes = HexBytes.parse(text) else {
                return printer.problem("--binary: '\(ConnectPrinter.visible(String(text.prefix(60))))' is not hexadecimal bytes (two digits each, e.g. 48 69 21); not sent")
            }
            command = .binary(bytes)
        }
        switch command {
        case .message(let text): send(.text(text))
        case .binary(let bytes): send(.binary(bytes))
        case .ping(let text): ping(Array(text.utf8.prefix(125)))
        case .close(let code, let reason): close(code: code, reason: reason)
        case .help: for line in SlashCommand.helpText.split(separator: "\n") { printer.note(String(line)) }
        case .mistake(let why): printer.problem(why)
        }
    }

    private func send(_ message: ClientMessage) {
        client.send(.send(message))
        printer.sent(message)
    }

    private func ping(_ payload: [UInt8]) {
        guard !closing else { return }
        pingsSent += 1
        pingTimes[payload] = .now
        client.send(.ping(payload))
    }

    private func close(code: UInt16 = CloseCode.normal, reason: String = "") {
        guard !closing else { return }
        closing = true
        printer.hidePrompt()
        client.send(.close(code: code, reason: reason))
    }

    private func lingerCheck(after seconds: Double) {
        let feed = self.feed
        Task {
            try? await Task.sleep(for: .seconds(max(seconds, 0.01)))
            feed.yield(.lingerDue)
        }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
