import Foundation

/// `--open`: hands the URL to the desktop's opener (`xdg-open`, or `open` on macOS). Opening a
/// browser is a convenience, so nothing here ever stops the server; it only says what happened.
enum BrowserLauncher {
    static let openers = ["xdg-open", "open"]

    static func open(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        let found = openers.lazy.compactMap { name in
            path.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }.first
        guard let found else {
            Console.write("note: --open: found neither xdg-open nor open on PATH, so no browser was opened; open \(url) yourself.\n", toError: true)
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: found)
        process.arguments = [url]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let name = (found as NSString).lastPathComponent
        process.terminationHandler = { process in
            guard process.terminationStatus != 0 else { return }
            Console.write("note: --open: \(name) could not open a browser (exit status \(process.terminationStatus)); open \(url) yourself.\n", toError: true)
        }
        do {
            try process.run()
        } catch {
            Console.write("note: --open: could not run \(found) (\(error)); open \(url) yourself.\n", toError: true)
        }
    }
}
