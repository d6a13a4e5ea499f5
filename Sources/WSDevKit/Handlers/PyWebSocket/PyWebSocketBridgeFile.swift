import Foundation
import Synchronization
import WSWire

/// Where the bridge's Python files (`Bridge/*.py`, carried in the binary by the EmbedBridge
/// plugin) are written for python3 to run: a private folder `$TMPDIR/wsdev-<uid>/` (mode 0700) and
/// in it a folder named after the files' hash, so different wsdev versions never run each other's
/// bridge and other users cannot swap it.
enum PyWebSocketBridgeFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private static let installed = Mutex<String?>(nil)

    /// The folder holding `bridge.py` and its modules.
    static func install() throws(Failure) -> String {
        try installed.withLock { (installed: inout String?) throws(Failure) -> String in
            if let installed, access(installed + "/bridge.py", R_OK) == 0 { return installed }
            let directory = try privateDirectory()
            let files = PyWebSocketBridgeSource.files
            let target = "\(directory)/bridge-\(hash(files))"
            if access(target + "/bridge.py", R_OK) != 0 {
                let temporary = "\(directory)/.bridge-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                guard mkdir(temporary, 0o700) == 0 else { throw unwritable(temporary) }
                for (name, text) in files {
                    if let failure = write(text, to: "\(temporary)/\(name)") {
                        remove(temporary, files)
                        throw failure
                    }
                }
                // Renamed into place whole, so a python3 starting meanwhile never reads half a bridge;
                // another wsdev may have put the same files there first.
                if rename(temporary, target) != 0 {
                    remove(temporary, files)
                    guard access(target + "/bridge.py", R_OK) == 0 else { throw unwritable(target) }
                }
            }
            installed = target
            return target
        }
    }

    private static func privateDirectory() throws(Failure) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let directory = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/wsdev-\(getuid())"
        if mkdir(directory, 0o700) != 0, errno != EEXIST { throw unwritable(directory) }
        var info = stat()
        guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else {
            throw Failure(description: "\(directory) is not a folder of yours (another user's, or a link). Remove it, or set TMPDIR to another folder")
        }
        if info.st_mode & 0o077 != 0 { chmod(directory, 0o700) }
        return directory
    }

    /// Nil when written whole.
    private static func write(_ text: String, to path: String) -> Failure? {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return unwritable(path) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        return written == bytes.count ? nil : Failure(description: "cannot write \(path) (disk full?). Free some space or set TMPDIR to another folder")
    }

    private static func remove(_ folder: String, _ files: [(name: String, text: String)]) {
        for (name, _) in files { unlink("\(folder)/\(name)") }
        rmdir(folder)
    }

    private static func unwritable(_ path: String) -> Failure {
        Failure(description: "cannot write \(path) (\(String(cString: strerror(errno)))). Set TMPDIR to a writable folder")
    }

    /// FNV-1a, 64 bits, over every file's name and text: enough to tell bridge versions apart.
    static func hash(_ files: [(name: String, text: String)]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, text) in files {
            for byte in name.utf8 + [0] + text.utf8 + [0] {
                value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return String(value, radix: 16)
    }
}
