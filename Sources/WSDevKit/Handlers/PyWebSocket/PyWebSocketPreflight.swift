import Foundation
import Synchronization
import WSWire

/// The checks made when a `_wsh.py` file appears or changes, so that a handler that cannot run
/// is reported once, at once, with Python's own words, instead of at the first connection.
enum PyWebSocketPreflight {
    private static let interpreters = Mutex<[String: String]>([:])

    /// python3 on PATH, as a shell would find it, resolved once to the interpreter it runs: a
    /// version manager's shim (pyenv) costs a few hundred milliseconds per start otherwise.
    static func python3() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        guard let found = path.split(separator: ":").map({ String($0) + "/python3" }).first(where: { access($0, X_OK) == 0 }) else { return nil }
        if let known = interpreters.withLock({ $0[found] }) { return known }
        var resolved = found
        if let result = run(found, ["-c", "import sys; sys.stdout.write(sys.executable)"]), result.status == 0,
           access(result.output, X_OK) == 0 {
            resolved = result.output
        }
        interpreters.withLock { $0[found] = resolved }
        return resolved
    }

    /// Compiles without running or writing bytecode; prints one line on failure.
    private static let check = """
        import sys
        path = sys.argv[1]
        try:
            compile(open(path, 'rb').read(), path, 'exec', dont_inherit=True)
        except SyntaxError as e:
            code = (e.text or '').strip()
            sys.stderr.write('%s: %s (line %s)%s' % (type(e).__name__, e.msg, e.lineno, ': ' + code if code else ''))
            sys.exit(1)
        except (OSError, ValueError) as e:
            sys.stderr.write('%s: %s' % (type(e).__name__, e))
            sys.exit(1)
        """

    /// Python's error when the file does not compile; nil when it does, or when the check itself
    /// could not finish (the bridge reports any problem at the first connection then).
    /// Synchronous: it runs on the handlers folder's rescan task and takes some tens of milliseconds.
    static func compileProblem(python: String, file: String) -> String? {
        guard let result = run(python, ["-B", "-c", check, file]), result.status != 0 else { return nil }
        return result.output.isEmpty ? "python3 exited with status \(result.status)" : String(result.output.prefix(500))
    }

    /// Runs a short python3 command; its stdout and stderr together, trimmed. Nil when it could
    /// not start or did not finish within `timeout` seconds.
    private static func run(_ python: String, _ arguments: [String], timeout: TimeInterval = 10) -> (status: Int32, output: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let output = Pipe()
        process.standardError = output
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch { return nil }
        // The output is one short line, far below a pipe's capacity, so reading after the exit is safe.
        guard finished.wait(timeout: .now() + timeout) == .success else {
            process.terminate()
            return nil
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
