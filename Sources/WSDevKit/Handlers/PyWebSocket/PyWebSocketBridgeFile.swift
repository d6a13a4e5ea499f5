import Foundation
import Synchronization

/// Where the bridge's Python source is written for python3 to run: a private folder
/// `$TMPDIR/wsdev-<uid>/` (mode 0700) and a file named after the source's hash (mode 0600), so
/// different wsdev versions never run each other's bridge and other users cannot swap it.
enum PyWebSocketBridgeFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private static let installed = Mutex<String?>(nil)

    static func install() throws(Failure) -> String {
        try installed.withLock { (installed: inout String?) throws(Failure) -> String in
            if let installed, access(installed, R_OK) == 0 { return installed }
            let source = PyWebSocketBridgeSource.text
            let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            let directory = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/wsdev-\(getuid())"
            if mkdir(directory, 0o700) != 0, errno != EEXIST {
                throw Failure(description: "cannot create \(directory) (\(String(cString: strerror(errno)))). Set TMPDIR to a writable folder")
            }
            var info = stat()
            guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else {
                throw Failure(description: "\(directory) is not a folder of yours (another user's, or a link). Remove it, or set TMPDIR to another folder")
            }
            if info.st_mode & 0o077 != 0 { chmod(directory, 0o700) }
            let target = "\(directory)/bridge-\(hash(source)).py"
            let temporary = "\(directory)/.bridge-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).py"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw Failure(description: "cannot write \(temporary) (\(String(cString: strerror(errno)))). Set TMPDIR to a writable folder")
            }
            let bytes = Array(source.utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            // Renamed into place whole, so a python3 starting meanwhile never reads half a bridge.
            guard written == bytes.count, rename(temporary, target) == 0 else {
                unlink(temporary)
                throw Failure(description: "cannot write \(target) (disk full?). Free some space or set TMPDIR to another folder")
            }
            installed = target
            return target
        }
    }

    /// FNV-1a, 64 bits: enough to tell bridge versions apart.
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(value, radix: 16)
    }
}
