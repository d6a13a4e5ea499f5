import Foundation
import Logging
import Subprocess
import SystemPackage

/// Launch settings shared by every way of running a handler file.
struct HandlerProcess: Sendable {
    let file: String
    /// Seconds between SIGTERM and SIGKILL when the handler must stop.
    static let grace: Duration = .seconds(1)

    var directory: String { (file as NSString).deletingLastPathComponent }

    var configuration: PlatformOptions {
        var options = PlatformOptions()
        // Its own session, so the teardown signals reach the children a shell script starts too.
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: Self.grace)]
        return options
    }

    typealias Running = Execution<CustomWriteInput, SequenceOutput, SequenceOutput>

    /// Starts the process with the shared options and all three pipes open; `body` pumps them.
    func run<Result>(
        _ executable: String? = nil,
        arguments: [String] = [],
        environment: Environment,
        body: (Running) async throws -> Result
    ) async throws -> ExecutionResult<Result, SequenceOutput, SequenceOutput> {
        try await Subprocess.run(
            .path(FilePath(executable ?? file)),
            arguments: Arguments(arguments),
            environment: environment,
            workingDirectory: FilePath(directory),
            platformOptions: configuration,
            input: .inputWriter,
            output: .sequence,
            error: .sequence,
            body: body
        )
    }

    /// Writes queued lines to stdin until the queue finishes or the process stops reading.
    static func feed(_ input: LineQueue, to execution: Running) async {
        let stdin = execution.standardInputWriter
        while let line = await input.next() {
            guard (try? await stdin.write(line + "\n")) != nil else { break }
        }
        try? await stdin.finish()
    }

    /// Logs each stderr line, tagged, and remembers the last one as the likeliest explanation of a
    /// crash. Returns when stderr closes; a pipe that cannot be read just ends the logging.
    static func drainStandardError(of execution: Running, tag: String, log: Logger, into outcome: HandlerOutcome) async {
        do {
            for try await line in lines(execution.standardError, limit: 64 * 1024) {
                let line = trimmed(line)
                log.notice("WS   \(tag) stderr: \(line)")
                outcome.noteError(line)
            }
        } catch {}
    }

    /// A shared process's life (broadcast groups, the python bridge): stderr to the log, `input`'s
    /// lines to stdin, stdout to `readOutput`. When stdout ends or `input` is finished (the last
    /// client left), the process is stopped.
    static func pump(
        _ execution: Running, input: LineQueue, tag: String, log: Logger, outcome: HandlerOutcome,
        readOutput: @escaping @Sendable (Running) async -> Void
    ) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await drainStandardError(of: execution, tag: tag, log: log, into: outcome)
                return false
            }
            group.addTask {
                await readOutput(execution)
                return true
            }
            group.addTask {
                await feed(input, to: execution)
                return true
            }
            while let ended = await group.next(), !ended {}
            group.cancelAll()
            await stop(execution)
        }
    }

    /// SIGTERM to the process group, SIGKILL after the grace period.
    static func stop(_ execution: Running) async {
        await execution.teardown(using: [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)])
    }

    func environment(_ variables: [String: String]) -> Environment {
        .custom(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(rawValue: $0.key)!, $0.value) }))
    }

    /// Line splitting on "\n" only (a stray "\r" before it is dropped), capped at `limit` bytes.
    static func lines(_ output: SubprocessOutputSequence, limit: Int) -> SubprocessOutputSequence.StringSequence<UTF8> {
        output.strings(separatedBy: .unicodeScalarSequence(["\n"]), bufferingPolicy: .maxLineLength(limit + 2))
    }

    static func trimmed(_ line: String) -> String {
        line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    /// "exit 3" / "killed by signal 9", for logs and close reasons.
    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): return "exit \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}
