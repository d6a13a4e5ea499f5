#if os(Linux)
import Foundation
import Logging
import Synchronization

/// The inotify side of `FileWatcher`: one watch per folder, new folders watched as they appear.
///
/// inotify is not recursive, so a folder created (or moved in) is scanned right after its watch
/// is added, and whatever was written there before the watch existed is reported too.
final class InotifyTree: Sendable {
    private let fd: Int32
    private let root: String
    private let recursive: Bool
    private let logger: Logger?
    /// Watch descriptor → folder relative to the root ("" is the root). Only the watching thread
    /// uses it once `open` returns; the lock is never contended.
    private let folders = Mutex<[Int32: String]>([:])

    private static let folderEvents = UInt32(
        IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

    private init(fd: Int32, root: String, recursive: Bool, logger: Logger?) {
        self.fd = fd
        self.root = root
        self.recursive = recursive
        self.logger = logger
    }

    deinit { close(fd) }

    /// Watches every folder under `root`, or explains why that is impossible.
    static func open(root: String, recursive: Bool, logger: Logger?) -> Result<InotifyTree, WatchProblem> {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            return .failure(errno == EMFILE
                ? .init("this user has used up its inotify instances (fs.inotify.max_user_instances); close other watchers or raise it.")
                : .init("inotify is not available here (errno \(errno))."))
        }
        let tree = InotifyTree(fd: fd, root: root, recursive: recursive, logger: logger)
        var found = PendingChanges()
        if let problem = tree.watch(folder: "", reportingInto: &found) { return .failure(problem) }
        return .success(tree)
    }

    /// Reads events until woken, handing over a batch whenever a burst is over.
    func run(wakeup: Wakeup, debounce: Duration, continuation: AsyncStream<[String]>.Continuation) {
        var pending = PendingChanges()
        // Batches go out at most once per debounce, so a run of separate saves costs two reloads, not ten.
        var lastBatch = ContinuousClock.now - debounce
        var sources = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0)]
        func due() -> ContinuousClock.Instant? {
            pending.deadline(debounce: debounce).map { max($0, lastBatch + debounce) }
        }
        while true {
            var timeout: Int32 = -1
            if let due = due() {
                let left = due - ContinuousClock.now
                let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                // Rounded up: a zero timeout while time is left would spin.
                timeout = Int32(max(0, milliseconds + 1))
            }
            if poll(&sources, 2, timeout) < 0, errno != EINTR { break }
            if sources[1].revents != 0 { break }
            if sources[0].revents & Int16(POLLIN) != 0 { drain(into: &pending) }
            if let due = due(), ContinuousClock.now >= due {
                let batch = pending.take()
                guard !batch.isEmpty else { continue }
                lastBatch = ContinuousClock.now
                if case .terminated = continuation.yield(batch) { break }
            }
        }
        continuation.finish()
    }

    private func drain(into pending: inout PendingChanges) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            var offset = 0
            while offset + 16 <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { bytes in
                    (bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
                handle(wd: wd, mask: mask, name: String(decoding: nameBytes, as: UTF8.self), into: &pending)
                offset += 16 + length
            }
        }
    }

    private func handle(wd: Int32, mask: UInt32, name: String, into pending: inout PendingChanges) {
        func has(_ flag: Int32) -> Bool { mask & UInt32(flag) != 0 }
        if has(IN_Q_OVERFLOW) {
            pending.changed("")
            return
        }
        guard let folder = folders.withLock({ $0[wd] }) else { return }
        if has(IN_IGNORED) {
            folders.withLock { $0[wd] = nil }
            return
        }
        if name.isEmpty {
            // The root itself went away or moved: pages must reload to show what is left.
            if folder.isEmpty, has(IN_DELETE_SELF) || has(IN_MOVE_SELF) { pending.changed("") }
            return
        }
        let path = folder.isEmpty ? name : folder + "/" + name
        guard !FileWatcher.ignores(path) else { return }
        if has(IN_ISDIR) {
            if has(IN_CREATE) || has(IN_MOVED_TO) {
                if recursive, let problem = watch(folder: path, reportingInto: &pending) {
                    logger?.warning("\(problem) Changes inside \(path) are not seen.")
                }
                pending.appeared(path)
            } else if has(IN_DELETE) || has(IN_MOVED_FROM) {
                forget(folder: path)
                pending.vanished(path)
            }
        } else if has(IN_CREATE) {
            pending.appeared(path)
            pending.writing(path)  // created by open(2); its close is still to come
        } else if has(IN_MOVED_TO) {
            pending.appeared(path)
        } else if has(IN_DELETE) || has(IN_MOVED_FROM) {
            pending.vanished(path)
        } else if has(IN_CLOSE_WRITE) {
            pending.closed(path)
        } else if has(IN_MODIFY) {
            pending.writing(path)
        } else if has(IN_ATTRIB) {
            pending.changed(path)
        }
    }

    /// Adds watches for `folder` and, when recursive, every folder below it; files already there
    /// (when the folder is new) are reported as appeared.
    private func watch(folder: String, reportingInto pending: inout PendingChanges) -> WatchProblem? {
        let full = folder.isEmpty ? root : root + "/" + folder
        let wd = inotify_add_watch(fd, full, Self.folderEvents)
        guard wd >= 0 else {
            switch errno {
            case ENOSPC:
                return .init("this system allows too few inotify watches (fs.inotify.max_user_watches). Raise it, e.g. sudo sysctl fs.inotify.max_user_watches=524288, or use --poll.")
            case ENOENT, ENOTDIR: return nil  // gone again already
            case let code: return .init("cannot watch \(full) (errno \(code)).")
            }
        }
        folders.withLock { $0[wd] = folder }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { return nil }
        for name in names {
            let path = folder.isEmpty ? name : folder + "/" + name
            guard !FileWatcher.ignores(path) else { continue }
            var info = stat()
            guard lstat(full + "/" + name, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                if recursive, let problem = watch(folder: path, reportingInto: &pending) { return problem }
            }
            if !folder.isEmpty { pending.appeared(path) }
        }
        return nil
    }

    /// A folder moved away keeps its watches, which would now report paths outside the root.
    private func forget(folder: String) {
        let gone = folders.withLock { folders in
            let matching = folders.filter { $0.value == folder || $0.value.hasPrefix(folder + "/") }.map(\.key)
            for wd in matching { folders[wd] = nil }
            return matching
        }
        for wd in gone { inotify_rm_watch(fd, wd) }
    }
}
#endif

/// Why watching with inotify is not possible; says what to do about it.
struct WatchProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
