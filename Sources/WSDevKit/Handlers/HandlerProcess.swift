import Foundation
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
