import Foundation
import Logging
import Subprocess
import Synchronization
import SystemPackage

/// The one python3 process that runs a `_wsh.py` file for all its connections, as pywebsocket
/// does (module globals are shared). Started by the first handshake, started again by the next
/// one after it dies, stopped when the handler is replaced or removed.
final class PyWebSocketBridge: Sendable {
    private struct State {
        var links: [Int: PyWebSocketLink] = [:]
        var input: LineQueue?
        var stopped = false
        /// The traceback of a handler file that failed to load, for the connections that were waiting.
        var fatal: String?
        /// The endpoint's path ("/chat"), for tagging log lines of connections already gone.
        var path: String?
    }

    let python: String
    let file: String
    let displayName: String
    let log: Logger
    private let state = Mutex(State())

    init(python: String, file: String, displayName: String, log: Logger) {
        self.python = python
        self.file = file
        self.displayName = displayName
        self.log = log
    }

    /// Registers the connection and sends its handshake, starting python3 first when needed.
    func connect(_ info: ConnectionInfo) async -> PyWebSocketLink {
        let link = PyWebSocketLink(info: info)
        let now = ContinuousClock.now
        let (input, abandoned): (LineQueue?, [PyWebSocketLink]) = state.withLock { state in
            guard !state.stopped else { return (nil, []) }
            let abandoned = state.links.values.filter { $0.isAbandoned(now: now) }
            for old in abandoned { state.links[old.id] = nil }
            state.links[link.id] = link
            state.path = info.path
            if let input = state.input { return (input, abandoned) }
            let input = LineQueue()
            state.input = input
            Task { await self.run(input) }
            return (input, abandoned)
        }
        for old in abandoned {
            old.finish()
            await input?.send(PyWebSocketWire.simple("closed", id: old.id))
        }
        guard let input, await input.send(PyWebSocketWire.handshake(info)) else {
            link.end("the handler is being replaced or its python3 process just stopped; connect again")
            return link
        }
        return link
    }

    func link(for id: Int) -> PyWebSocketLink? {
        state.withLock { $0.links[id] }
    }

    /// False when the process is gone (the connection is then ended by `run`).
    @discardableResult
    func send(_ line: String) async -> Bool {
        guard let input = state.withLock({ $0.input }) else { return false }
        return await input.send(line)
    }

    /// The connection is over or was refused: forget it, and let the bridge's thread for it end.
    func release(_ link: PyWebSocketLink) async {
        let known = state.withLock { $0.links.removeValue(forKey: link.id) != nil }
        link.finish()
        if known { await send(PyWebSocketWire.simple("closed", id: link.id)) }
    }

    /// The handler file was replaced or removed: closing stdin makes the bridge exit.
    func stop() {
        let input = state.withLock { state in
            state.stopped = true
            defer { state.input = nil }
            return state.input
        }
        if let input { Task { await input.finish() } }
    }

    private func run(_ input: LineQueue) async {
        let outcome = HandlerOutcome()
        var ending: String
        do {
            let bridge = try PyWebSocketBridgeFile.install()
            let result = try await HandlerProcess(file: file).run(
                python,
                arguments: ["-B", bridge, file],
                environment: .inherit.updating(["PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"])
            ) { execution in
                await HandlerProcess.pump(execution, input: input, tag: self.displayName, log: self.log, outcome: outcome) { execution in
                    do {
                        for try await line in HandlerProcess.lines(execution.standardOutput, limit: PyWebSocketWire.lineLimit) {
                            self.route(line)
                        }
                    } catch {
                        self.log.error("WS   \(self.displayName): the python bridge's output could not be read (\(error)); restarting it")
                    }
                    await input.finish()
                }
            }
            ending = "python3 ended with \(HandlerProcess.describe(result.terminationStatus))"
        } catch {
            ending = "python3 could not start (\(error))"
            log.error("WS   \(displayName): \(ending). Check that \(python) runs, then connect again.")
        }
        await input.finish()
        let (orphans, stopped, fatal) = state.withLock { state in
            if state.input === input { state.input = nil }
            defer { (state.links, state.fatal) = ([:], nil) }
            return (Array(state.links.values), state.stopped, state.fatal)
        }
        let why = fatal.map(Self.summary) ?? outcome.lastError ?? ending
        if !orphans.isEmpty, !stopped {
            log.warning("WS   \(displayName): \(ending) with \(orphans.count) connection(s) open; they close with 1011 (\(why)). The next connection starts it again.")
        }
        for link in orphans { link.end(why) }
    }

    private func route(_ line: String) {
        guard let event = PyWebSocketWire.decode(line) else {
            log.warning("WS   \(displayName): ignoring a line from the python bridge that is not one of its messages: \(line.prefix(200))")
            return
        }
        switch event.op {
        case "log":
            let path = state.withLock { $0.path } ?? displayName
            logLines(event.text ?? "", level: event.level ?? "print", tag: event.id.map { "\(path) #\($0)" } ?? displayName)
        case "fatal":
            let text = event.text ?? "unknown error"
            state.withLock { $0.fatal = text }
            log.error("WS   \(displayName) could not be loaded; fix it and save it again:")
            for line in text.split(separator: "\n") { log.error("WS   \(displayName): \(line)") }
        case "ready":
            log.debug("WS   \(displayName): python bridge ready")
        default:
            guard let id = event.id, let link = state.withLock({ $0.links[id] }) else { return }
            switch event.op {
            case "accept": link.resolve(.accept(subprotocol: event.protocol))
            case "reject": link.resolve(.reject(status: event.status ?? 403, reason: event.reason ?? ""))
            case "ack": link.credit.release()
            default: link.deliver(event)
            }
        }
    }

    private func logLines(_ text: String, level: String, tag: String) {
        let label = level == "print" || level == "stderr" ? " \(level)" : ""
        let logLevel: Logger.Level = level == "error" ? .error : level == "warning" ? .warning : .notice
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines.isEmpty ? [""] : lines {
            log.log(level: logLevel, "WS   \(tag)\(label): \(line)")
        }
        if let hint = Python2Hint.hint(for: text) { log.log(level: logLevel, "WS   \(tag): \(hint)") }
    }

    /// The last line of a traceback and where it points, e.g.
    /// "NameError: name 'x' is not defined (echo_wsh.py line 3)".
    static func summary(_ traceback: String) -> String {
        let lines = traceback.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let last = lines.last(where: { !$0.isEmpty }) ?? traceback
        guard let place = lines.last(where: { $0.hasPrefix("File \"") }),
              let name = place.split(separator: "\"").dropFirst().first,
              let line = place.range(of: #"line \d+"#, options: .regularExpression) else { return Python2Hint.annotate(last) }
        return Python2Hint.annotate("\(last) (\((String(name) as NSString).lastPathComponent) \(place[line]))")
    }
}
