import Foundation

/// The polling side of `FileWatcher`: what every file looked like at one moment, and what differs
/// at the next. Used with `--poll`, where file systems (NFS, some container mounts) send no events.
struct TreeSnapshot: Sendable {
    struct Stamp: Equatable, Sendable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int
        let inode: UInt64
        let isFolder: Bool
    }

    let root: String
    let recursive: Bool
    let entries: [String: Stamp]

    init(root: String, recursive: Bool) {
        self.root = root
        self.recursive = recursive
        var entries: [String: Stamp] = [:]
        Self.scan(root: root, folder: "", recursive: recursive, into: &entries)
        self.entries = entries
    }

    /// Paths added, removed or rewritten since `earlier`. A folder's own time stamp is ignored:
    /// its entries already tell what changed inside it.
    func changes(since earlier: TreeSnapshot) -> [String] {
        var changed: [String] = []
        for (path, stamp) in entries {
            guard let before = earlier.entries[path] else { changed.append(path); continue }
            if stamp.isFolder != before.isFolder || (!stamp.isFolder && stamp != before) { changed.append(path) }
        }
        for path in earlier.entries.keys where entries[path] == nil { changed.append(path) }
        return changed.sorted()
    }

    /// Compares the tree every `interval` until woken.
    func run(every interval: Duration, wakeup: Wakeup, continuation: AsyncStream<[String]>.Continuation) {
        let milliseconds = Int32(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        var previous = self
        var source = pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&source, 1, max(1, milliseconds))
            if ready > 0 || (ready < 0 && errno != EINTR) { break }
            let current = TreeSnapshot(root: root, recursive: recursive)
            let changed = current.changes(since: previous)
            previous = current
            if !changed.isEmpty, case .terminated = continuation.yield(changed) { break }
        }
        continuation.finish()
    }

    private static func scan(root: String, folder: String, recursive: Bool, into entries: inout [String: Stamp]) {
        let full = folder.isEmpty ? root : root + "/" + folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { return }
        for name in names {
            let path = folder.isEmpty ? name : folder + "/" + name
            guard !FileWatcher.ignores(path) else { continue }
            var info = stat()
            guard lstat(full + "/" + name, &info) == 0 else { continue }
            let isFolder = info.st_mode & S_IFMT == S_IFDIR
            entries[path] = Stamp(
                seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec),
                size: Int(info.st_size), inode: UInt64(info.st_ino), isFolder: isFolder)
            if isFolder, recursive { scan(root: root, folder: path, recursive: recursive, into: &entries) }
        }
    }
}
