import Foundation

/// `wsdev connect ARGUMENTS…` with `input` on a pipe as standard input, run to its end.
struct ConnectRun {
    let status: Int32
    let output: String
    let errors: String

    /// The `--json` events, one object per line.
    var events: [[String: Any]] {
        output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Feeds `input` a line at a time, `pause` seconds apart, then closes standard input.
    init(_ arguments: [String], input: String = "", pause: TimeInterval = 0, keepOpen: TimeInterval = 0, timeout: TimeInterval = patience) throws {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["connect"] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let collectedOut = ServerProcess.Collected(), collectedErr = ServerProcess.Collected()
        stdout.fileHandleForReading.readabilityHandler = { collectedOut.append($0.availableData) }
        stderr.fileHandleForReading.readabilityHandler = { collectedErr.append($0.availableData) }
        try process.run()
        for line in input.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            stdin.fileHandleForWriting.write(Data((line + "\n").utf8))
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
        }
        if keepOpen > 0 { Thread.sleep(forTimeInterval: keepOpen) }
        try stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        stdout.fileHandleForReading.readabilityHandler = nil
        stderr.fileHandleForReading.readabilityHandler = nil
        collectedOut.append(stdout.fileHandleForReading.readDataToEndOfFile())
        collectedErr.append(stderr.fileHandleForReading.readDataToEndOfFile())
        status = process.terminationStatus
        output = collectedOut.text
        errors = collectedErr.text
    }
}
