import Foundation

/// Runs wsdev to completion (bounded) in `directory` and returns its exit status and output.
func runWsdev(_ arguments: [String], timeout: TimeInterval = patience, directory: URL? = nil) throws -> (status: Int32, output: String, seconds: TimeInterval) {
    let process = Process()
    process.executableURL = ServerProcess.binary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let start = Date()
    try process.run()
    while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(5_000) }
    let seconds = Date().timeIntervalSince(start)
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, output, seconds)
}
