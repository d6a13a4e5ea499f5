import Foundation
import XCTest

/// A headless Chromium, driven over the DevTools protocol (CDP) through `RawWebSocket`.
///
/// One browser-level connection; page commands go to a flattened session (`sessionId`).
/// JavaScript dialogs (`alert`, `confirm`, …) block the page until someone answers them, so every
/// `Page.javascriptDialogOpening` seen while reading is recorded in `dialogs` and accepted at once.
final class Chromium {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Debian's chromium; `WSDEV_CHROMIUM` may name another build (never downloaded by the tests).
    static var executable: String { ProcessInfo.processInfo.environment["WSDEV_CHROMIUM"] ?? "/usr/bin/chromium" }

    /// Message texts of the JavaScript dialogs the pages opened, in order.
    private(set) var dialogs: [String] = []
    /// Console messages and uncaught exceptions, for failure messages.
    private(set) var console: [String] = []
    /// What the browser itself logged ("error network: WebSocket connection to … failed"), on
    /// pages that called `enableLog()`.
    private(set) var logEntries: [String] = []

    private let process: Process
    private let directory: URL
    private let socket: RawWebSocket
    private var nextID = 0
    private var responses: [Int: [String: Any]] = [:]
    /// Ids of our own `Page.handleJavaScriptDialog` commands, whose replies nobody waits for.
    private var dialogAnswers: Set<Int> = []
    private var closed = false

    /// Starts the browser on about:blank and connects to its DevTools endpoint.
    /// Skips the test when Chromium is not installed, unless `WSDEV_REQUIRE_BROWSER=1`.
    init(startupTimeout: TimeInterval = 20) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            let message = "\(Self.executable) not found: browser tests need Chromium (apt-get install chromium)"
            if ProcessInfo.processInfo.environment["WSDEV_REQUIRE_BROWSER"] == "1" {
                throw Failure(description: message + "; WSDEV_REQUIRE_BROWSER=1 is set, so this is a failure")
            }
            throw XCTSkip(message)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wsdev-chromium-\(UUID().uuidString)")
        let process = Process()
        let profile = directory.appendingPathComponent("profile")
        let outputFile = directory.appendingPathComponent("chromium.log")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }

        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--user-data-dir=\(profile.path)", "--remote-debugging-port=0", "about:blank",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output

        // Until every property is set, a failure must clean up by hand: deinit does not run.
        func abandon(_ problem: String) -> Failure {
            if process.isRunning { process.terminate(); process.waitUntilExit() }
            let printed = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: directory)
            return Failure(description: "\(problem); chromium printed:\n\(printed.suffix(2000))")
        }

        do { try process.run() } catch { throw abandon("could not start \(Self.executable): \(error)") }

        // Line 1: the port chosen for --remote-debugging-port=0; line 2: the browser's ws path.
        let activePort = profile.appendingPathComponent("DevToolsActivePort")
        let deadline = Date().addingTimeInterval(startupTimeout)
        var endpoint: (port: Int, path: String)?
        while endpoint == nil {
            if let text = try? String(contentsOf: activePort, encoding: .utf8) {
                let lines = text.split(whereSeparator: \.isNewline).map(String.init)
                if lines.count >= 2, let port = Int(lines[0]), lines[1].hasPrefix("/") { endpoint = (port, lines[1]) }
            }
            if endpoint != nil { break }
            guard process.isRunning else { throw abandon("chromium exited with status \(process.terminationStatus) before DevTools was ready") }
            guard Date() < deadline else { throw abandon("no DevToolsActivePort after \(Int(startupTimeout)) s") }
            usleep(20_000)
        }
        do {
            socket = try RawWebSocket.open(port: endpoint!.port, path: endpoint!.path)
        } catch {
            throw abandon("could not open the DevTools WebSocket at 127.0.0.1:\(endpoint!.port)\(endpoint!.path): \(error)")
        }
        self.process = process
        self.directory = directory
    }

    deinit { close() }

    /// Asks the browser to quit, then makes sure it did, and removes the temporary profile.
    func close() {
        guard !closed else { return }
        closed = true
        if process.isRunning {
            nextID += 1
            try? send(id: nextID, method: "Browser.close", params: [:], session: nil)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { process.terminate() }
            let hardDeadline = Date().addingTimeInterval(3)
            while process.isRunning, Date() < hardDeadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Protocol

    /// Sends one command and reads messages until its reply arrives; events met on the way are
    /// handled (dialogs answered). Returns the `result` object, or throws the protocol error.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: TimeInterval = patience) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        try send(id: id, method: method, params: params, session: session)
        let deadline = Date().addingTimeInterval(timeout)
        while responses[id] == nil {
            guard Date() < deadline else { throw Failure(description: "no reply to \(method) within \(timeout) s") }
            try handle(try readMessage())
        }
        let reply = responses.removeValue(forKey: id)!
        if let error = reply["error"] as? [String: Any] {
            throw Failure(description: "\(method) failed: \(error["message"] ?? error) \(error["data"] ?? "")")
        }
        return reply["result"] as? [String: Any] ?? [:]
    }

    /// Waits until at least `count` dialogs have been seen (and answered).
    func waitForDialogs(_ count: Int, timeout: TimeInterval) throws {
        try waitUntil(timeout: timeout, "\(count) dialogs (saw \(dialogs.count): \(dialogs))") { dialogs.count >= count }
    }

    /// Polls `condition`, keeping the connection read (and dialogs answered) in between.
    func waitUntil(timeout: TimeInterval, _ what: @autoclosure () -> String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            guard Date() < deadline else {
                throw Failure(description: "timed out after \(timeout) s waiting for \(what())" + consoleSummary)
            }
            usleep(50_000)
            // A browser-level command answers at once, whatever the page is doing, and reading
            // up to its reply also reads every event that came before it.
            try call("Browser.getVersion")
        }
    }

    var consoleSummary: String { console.isEmpty ? "" : "\npage console:\n" + console.joined(separator: "\n") }

    private func send(id: Int, method: String, params: [String: Any], session: String?) throws {
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        let data = try JSONSerialization.data(withJSONObject: message)
        try socket.send(opcode: RawWebSocket.text, payload: Array(data))
    }

    /// One whole CDP message: fragments (opcode 0) are joined until `fin`.
    private func readMessage() throws -> [String: Any] {
        var payload: [UInt8] = []
        var inMessage = false
        while true {
            let frame = try socket.receive()
            switch frame.opcode {
            case RawWebSocket.ping:
                try socket.send(opcode: RawWebSocket.pong, payload: frame.payload)
                continue
            case RawWebSocket.pong:
                continue
            case RawWebSocket.close:
                throw Failure(description: "Chromium closed the DevTools connection (\(frame.closeCode ?? 1005) \(frame.closeReason))")
            case RawWebSocket.text, RawWebSocket.binary:
                guard !inMessage else { throw Failure(description: "DevTools started a new message inside a fragmented one") }
                payload = frame.payload
                inMessage = true
            case 0:
                guard inMessage else { throw Failure(description: "DevTools sent a continuation frame outside a message") }
                payload += frame.payload
            default:
                throw Failure(description: "DevTools sent a frame with opcode \(frame.opcode)")
            }
            if frame.fin { break }
        }
        guard let message = try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else {
            throw Failure(description: "DevTools sent something that is not a JSON object: \(String(decoding: payload.prefix(200), as: UTF8.self))")
        }
        return message
    }

    private func handle(_ message: [String: Any]) throws {
        if let id = (message["id"] as? NSNumber)?.intValue {
            if dialogAnswers.remove(id) != nil {
                if let error = message["error"] { console.append("Page.handleJavaScriptDialog failed: \(error)") }
            } else {
                responses[id] = message
            }
            return
        }
        let params = message["params"] as? [String: Any] ?? [:]
        switch message["method"] as? String {
        case "Page.javascriptDialogOpening":
            dialogs.append(params["message"] as? String ?? "")
            nextID += 1
            dialogAnswers.insert(nextID)
            try send(id: nextID, method: "Page.handleJavaScriptDialog", params: ["accept": true], session: message["sessionId"] as? String)
        case "Runtime.consoleAPICalled":
            let args = (params["args"] as? [[String: Any]] ?? []).map { "\($0["value"] ?? $0["description"] ?? "?")" }
            console.append("console.\(params["type"] ?? "log"): " + args.joined(separator: " "))
        case "Log.entryAdded":
            let entry = params["entry"] as? [String: Any] ?? [:]
            logEntries.append("\(entry["level"] ?? "?") \(entry["source"] ?? "?"): \(entry["text"] ?? "")")
        case "Runtime.exceptionThrown":
            let details = params["exceptionDetails"] as? [String: Any] ?? [:]
            let exception = details["exception"] as? [String: Any] ?? [:]
            console.append("uncaught: \(exception["description"] ?? details["text"] ?? "?")")
        default:
            break
        }
    }

    // MARK: - Pages

    /// A new tab, attached in flat mode, with the Page and Runtime domains on.
    func openPage(width: Int = 1000, height: Int = 900) throws -> Page {
        let target = try call("Target.createTarget", ["url": "about:blank", "newWindow": true, "width": width, "height": height])
        guard let targetId = target["targetId"] as? String else { throw Failure(description: "Target.createTarget gave no targetId: \(target)") }
        let attached = try call("Target.attachToTarget", ["targetId": targetId, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw Failure(description: "Target.attachToTarget gave no sessionId: \(attached)") }
        let page = Page(browser: self, session: session)
        try page.call("Page.enable")
        try page.call("Runtime.enable")
        return page
    }
}
