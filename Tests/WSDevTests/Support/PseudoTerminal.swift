import Foundation

/// A program run on a pseudo-terminal, as a person at a terminal runs it: its standard input,
/// output and error are the terminal, so it sees `isatty` true and may switch it to raw mode.
final class PseudoTerminal {
    let process = Process()
    private let master: Int32
    private var collected: [UInt8] = []
    /// TIOCSPTLCK and TIOCGPTN, which Swift cannot import (function-like macros): _IOW('T', 0x31, int)
    /// and _IOR('T', 0x30, unsigned int), the same on x86-64 and arm64 Linux.
    private static let setLock: UInt = 0x4004_5431
    private static let getNumber: UInt = 0x8004_5430

    init(_ arguments: [String], environment: [String: String]? = nil) throws {
        // posix_openpt, unlockpt and ptsname by hand (Swift's Glibc module leaves them out): the
        // multiplexer, then unlock the new terminal and ask for its number.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, Self.setLock, &unlock) == 0, ioctl(master, Self.getNumber, &number) == 0 else {
            throw TCPConnection.Failure(description: "no pseudo-terminal: errno \(errno)")
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw TCPConnection.Failure(description: "cannot open /dev/pts/\(number): errno \(errno)") }
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = ServerProcess.binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        close(master)
    }

    /// Everything the program wrote so far.
    var output: String {
        drain()
        return String(decoding: collected, as: UTF8.self)
    }

    /// Keys, as the terminal sends them: Enter is "\r", Ctrl-D "\u{04}".
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        while !bytes.isEmpty {
            let written = write(master, bytes, bytes.count)
            if written <= 0 { break }
            bytes.removeFirst(written)
        }
    }

    /// Waits until the output contains `text`.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = patience) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            usleep(10_000)
        }
        return false
    }

    /// The exit status, once the program has exited (nil if it is still running after `timeout`).
    func exitStatus(timeout: TimeInterval = patience) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline {
            drain()
            usleep(10_000)
        }
        drain()
        return process.isRunning ? nil : process.terminationStatus
    }

    private func drain() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(master, &chunk, chunk.count)
            guard count > 0 else { return }
            collected += chunk[..<count]
        }
    }
}
