import Foundation
import XCTest

/// A real `wsdev` process, as a user would start it, on a free port.
final class ServerProcess {
    let process = Process()
    let port: Int
    private let output = Pipe()
    private let collected = Collected()

    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.lock(); data.append(more); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    }

    /// Everything the server printed so far (stdout and stderr).
    var log: String { collected.text }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["WSDEV_BINARY"] { return URL(fileURLWithPath: path) }
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("wsdev"),
            Bundle.main.bundleURL.appendingPathComponent("wsdev"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("wsdev"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Starts `wsdev serve ROOT --port 0 --host 127.0.0.1 ARGS…` and waits for its banner.
    convenience init(root: String, arguments: [String] = [], host: String? = "127.0.0.1") throws {
        try self.init(commandLine: ["serve", root, "--port", "0"] + (host.map { ["--host", $0] } ?? []) + arguments)
    }

    /// Starts `wsdev` with exactly these arguments (which must pick a free port) and waits for its banner.
    /// `environment`, when given, replaces the test's own; `directory` is where it runs.
    init(commandLine: [String], environment: [String: String]? = nil, directory: URL? = nil) throws {
        process.executableURL = Self.binary
        process.arguments = commandLine
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = output
        process.standardError = output
        let collected = self.collected
        output.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(patience)
        var found: Int?
        while Date() < deadline, process.isRunning {
            if let match = collected.text.range(of: #"http://[^ /]+:(\d+)/"#, options: .regularExpression) {
                found = Int(collected.text[match].split(separator: ":").last!.dropLast())
                break
            }
            usleep(10_000)
        }
        guard let found else {
            process.terminate()
            throw TCPConnection.Failure(description: "wsdev did not start; it printed:\n\(collected.text)")
        }
        port = found
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Sends `signal` and waits; returns the exit status and how long the exit took.
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 5) -> (status: Int32, seconds: TimeInterval) {
        let start = Date()
        kill(process.processIdentifier, signal)
        while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(5_000) }
        let elapsed = Date().timeIntervalSince(start)
        if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, elapsed)
    }

    /// Waits until the log contains `text`, for lines written after an event.
    func waitForLog(_ text: String, timeout: TimeInterval = patience) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            usleep(10_000)
        }
        return false
    }
}

/// A scratch document root with the files a test needs.
final class SiteFixture {
    let root: URL

    init(files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wsdev-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, contents) in files { try write(path, Data(contents.utf8)) }
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}
