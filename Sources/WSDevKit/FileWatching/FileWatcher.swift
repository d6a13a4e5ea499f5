import Foundation
import Logging

/// Watches a folder and reports changed files as debounced batches of paths relative to it.
///
/// ```swift
/// for await paths in FileWatcher(root: "public").changes() {
///     print(paths)  // ["css/site.css", "index.html"]
/// }
/// ```
///
/// On Linux it uses inotify, following folders as they appear; with `poll: true` (network and
/// container file systems), or when inotify is unavailable, it compares the tree every
/// `pollInterval`. A burst of events becomes one batch after a quiet spell: `debounce` while a file
/// is still being written or a deleted one may be recreated, a fifth of it once every write is
/// closed (so a finished save reaches the browser sooner); batches are at least `debounce` apart.
/// Never reported: editor litter (`*.swp`, `*~`, `.#*`, `#*#`, vim's `4913`), dot paths such as
/// `.git/`, and files that appear and vanish within one batch (an editor's temporary file renamed
/// over the real one). The empty path `""` means the kernel dropped events: re-read everything.
public struct FileWatcher: Sendable {
    public let root: String
    public let recursive: Bool
    public let poll: Bool
    public var debounce: Duration
    public var pollInterval: Duration
    /// Where a fallback to polling, or a folder that cannot be watched, is explained.
    public var logger: Logger?

    public init(
        root: String, recursive: Bool = true, poll: Bool = false,
        debounce: Duration = .milliseconds(50), pollInterval: Duration = .milliseconds(250), logger: Logger? = nil
    ) {
        self.root = root
        self.recursive = recursive
        self.poll = poll
        self.debounce = debounce
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Starts watching before it returns, so nothing changed after the call is missed. Watching
    /// stops when the consumer of the stream stops iterating or is cancelled.
    public func changes() -> AsyncStream<[String]> {
        let (stream, continuation) = AsyncStream<[String]>.makeStream()
        guard let wakeup = Wakeup() else {
            logger?.error("cannot watch \(root) for changes: no file descriptors left (errno \(errno)). Raise the limit with ulimit -n")
            continuation.finish()
            return stream
        }
        continuation.onTermination = { _ in wakeup.signal() }
        let canonical = Self.canonical(root)
        #if os(Linux)
        if !poll {
            switch InotifyTree.open(root: canonical, recursive: recursive, logger: logger) {
            case .success(let tree):
                Self.start { tree.run(wakeup: wakeup, debounce: debounce, continuation: continuation) }
                return stream
            case .failure(let problem):
                logger?.warning("\(problem) Watching \(root) by polling every \(pollInterval.logText) instead.")
            }
        }
        #endif
        let first = TreeSnapshot(root: canonical, recursive: recursive)
        let interval = pollInterval
        Self.start { first.run(every: interval, wakeup: wakeup, continuation: continuation) }
        return stream
    }

    /// True for paths no page can be showing and editors write while saving.
    public static func ignores(_ relativePath: some StringProtocol) -> Bool {
        relativePath.split(separator: "/").contains { name in
            name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx")
                || (name.hasPrefix("#") && name.hasSuffix("#")) || name == "4913"
        }
    }

    private static func canonical(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    private static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "wsdev file watcher"
        thread.start()
    }
}

/// A pipe whose only message is "stop", so a thread blocked in poll(2) can be woken. Both ends
/// close together when the last holder lets go, so a late signal never writes to a closed pipe.
final class Wakeup: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32

    init?() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }
}
