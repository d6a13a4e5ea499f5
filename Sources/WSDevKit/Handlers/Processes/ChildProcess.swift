import CSpawn
import Foundation
import NIOCore
import Synchronization

/// A handler's process: started in a session of its own, so that stopping it reaches everything
/// it started, and waited for on an event loop without a thread per process.
final class ChildProcess: Sendable {
    /// How a process ended: the exit code, or the signal that killed it.
    enum Status: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// The parent's ends of the child's standard input, output and error.
    struct Pipes {
        let input: CInt
        let output: CInt
        let error: CInt
    }

    let pid: pid_t
    private let status = Mutex<Status?>(nil)

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `path` with `arguments` (after the path itself), exactly `environment` (`NAME=value`
    /// entries), in `directory`.
    static func spawn(_ path: String, arguments: [String] = [], environment: [String], directory: String?) throws -> (ChildProcess, Pipes) {
        var ends: [[CInt]] = []
        defer { for pair in ends { for fd in pair where fd >= 0 { close(fd) } } }
        for index in 0..<3 {
            var pair: [CInt] = [-1, -1]
            // Messages cross stdin and stdout; stderr carries log lines and keeps the default size:
            // the kernel counts every pipe's size against the user's limit
            // (/proc/sys/fs/pipe-user-pages-soft), past which the user's new pipes get 8 KiB.
            guard wsdev_pipe(&pair, index == 2 ? 0 : 1 << 20) == 0 else { throw SpawnError(path: path, errno: errno) }
            ends.append(pair)
        }
        let argv = CStringArray([path] + arguments)
        let envp = CStringArray(environment)
        defer { argv.free(); envp.free() }
        var pid: pid_t = 0
        let result = wsdev_spawn(&pid, path, argv.pointers, envp.pointers, directory, ends[0][0], ends[1][1], ends[2][1])
        guard result == 0 else { throw SpawnError(path: path, errno: result) }
        // Ours: the write end of its input, the read ends of its output and error; the rest close.
        let pipes = Pipes(input: ends[0][1], output: ends[1][0], error: ends[2][0])
        (ends[0][1], ends[1][0], ends[2][0]) = (-1, -1, -1)
        return (ChildProcess(pid: pid), pipes)
    }

    /// The exit status once the process has ended; reaps it the first time it is seen ended.
    var exitStatus: Status? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                known = Self.status(raw)
            } else if result < 0, errno == ECHILD {
                known = .exited(-1)  // reaped elsewhere: ended, its code unknown
            }
            return known
        }
    }

    /// Calls `done` on `loop` once the process has ended, looking more and more rarely.
    func whenExited(on loop: any EventLoop, _ done: @escaping @Sendable (Status) -> Void) {
        poll(on: loop, after: .zero, killAt: nil, done)
    }

    /// Looks after `delay`, then ever more rarely; sends SIGKILL once, at the first look past `killAt`.
    private func poll(on loop: any EventLoop, after delay: TimeAmount, killAt: NIODeadline?, _ done: @escaping @Sendable (Status) -> Void) {
        loop.scheduleTask(in: delay) {
            if let status = self.exitStatus { return done(status) }
            var killAt = killAt
            if let deadline = killAt, .now() >= deadline {
                self.signal(SIGKILL)
                killAt = nil
            }
            let next = delay == .zero ? .microseconds(500) : min(delay * 2, .milliseconds(100))
            self.poll(on: loop, after: next, killAt: killAt, done)
        }
    }

    /// Sends `signal` to the process's whole group: a shell script's children too, even once
    /// the script itself has ended (the kernel keeps a group's id while it has members).
    func signal(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// SIGTERM now, SIGKILL once `grace` has passed (within 100 ms) if it has not ended by then:
    /// only then, because once it is reaped its number may soon belong to another process group
    /// (the shutdown's `killAll` signals every group regardless, within the second). Then `done`.
    /// One chain of looks does both: a timer for the SIGKILL, scheduled and cancelled for every
    /// process, cost more than the looks.
    func stop(on loop: any EventLoop, grace: TimeAmount = .seconds(1), _ done: @escaping @Sendable (Status) -> Void) {
        signal(SIGTERM)
        poll(on: loop, after: .zero, killAt: .now() + grace, done)
    }

    private static func status(_ raw: Int32) -> Status {
        let signal = raw & 0x7F
        return signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal)
    }
}

/// A handler that could not be started, with the reason in the system's words.
struct SpawnError: Error, CustomStringConvertible {
    let path: String
    let errno: Int32

    var description: String { "could not start \(path): \(String(cString: strerror(errno)))" }
}
