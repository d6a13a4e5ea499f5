import Foundation
import Logging
import Synchronization

/// The handlers folder: every file in it becomes an endpoint, and edits, additions, renames and
/// deletions take effect without a restart. Open connections keep the handler they started with.
final class HandlerDirectory: Sendable {
    private struct Entry {
        let file: HandlerFile
        let endpoint: any WebSocketEndpoint
    }

    /// Canonical absolute path of the folder.
    let root: String
    /// The folder as the user named it, for messages ("handlers/count.sh").
    let displayRoot: String
    private let table: EndpointTable
    private let processes: ProcessTable
    private let maxMessageBytes: Int
    private let events: SocketEvents
    /// `--handler-timeout`: how long a `_wsh.py` thread may run on after its client left.
    private let handlerTimeout: Duration
    private let log: Logger
    private let entries = Mutex<[String: Entry]>([:])

    init(
        path: String, table: EndpointTable, processes: ProcessTable, maxMessageBytes: Int, handlerTimeout: Duration, events: SocketEvents, log: Logger
    ) throws(StartupError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .handlersMissing(path, closest: ClosestFolder.to(path)) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .handlersNotDirectory(path) }
        self.root = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        self.displayRoot = path.hasSuffix("/") ? String(path.dropLast()) : path
        self.table = table
        self.processes = processes
        self.maxMessageBytes = maxMessageBytes
        self.events = events
        self.handlerTimeout = handlerTimeout
        self.log = log
        rescan(initial: true)
    }

    /// Rescans on every change batch until the task is cancelled (inotify, or polling with `--poll`).
    func watch(poll: Bool) async {
        for await _ in FileWatcher(root: root, recursive: true, poll: poll, logger: log).changes() {
            rescan(initial: false)
        }
    }

    /// Reads the folder again and swaps in the new endpoint set in one step.
    func rescan(initial: Bool) {
        let files = Self.files(in: root)
        var report: [String] = []
        let endpoints: [String: any WebSocketEndpoint] = entries.withLock { entries in
            var next: [String: Entry] = [:]
            for file in files {
                if let old = entries[file.relative], old.file == file {
                    next[file.relative] = old
                    continue
                }
                let endpoint = makeEndpoint(file)
                next[file.relative] = Entry(file: file, endpoint: endpoint)
                if let broken = endpoint as? BrokenHandler {
                    log.warning("\(broken.report)")
                } else if !initial {
                    let replaced = file.endpointPaths.filter { table.hasBuiltin(at: $0) && !ReservedPaths.contains($0) }
                    report.append("\(entries[file.relative] == nil ? "added" : "reloaded") \(file.endpointPaths.joined(separator: " and ")) (\(displayName(file)))"
                        + replaced.map { ", which replaces built-in \($0)" }.joined())
                }
            }
            for (relative, old) in entries where next[relative] == nil {
                report.append("removed \(old.file.endpointPaths.joined(separator: " and ")) (\(displayName(old.file)) is gone)")
            }
            entries = next
            var endpoints: [String: any WebSocketEndpoint] = [:]
            // Sorted, so that of two files claiming one path (a.sh and a.py), the choice is stable.
            for entry in next.values.sorted(by: { $0.file.relative > $1.file.relative }) {
                for path in entry.file.endpointPaths { endpoints[path] = entry.endpoint }
            }
            return endpoints
        }
        table.replaceHandlers(endpoints)
        for line in report { log.notice("handlers: \(line)") }
    }

    /// Handlers that cannot run, for the banner: the checks of `_wsh.py` files run in the
    /// background (a python3 start each), so this waits for them, at most `limit` in all.
    func problems(within limit: Duration) async -> [String] {
        let endpoints = entries.withLock { $0.values.sorted { $0.file.relative < $1.file.relative }.map(\.endpoint) }
        let deadline = ContinuousClock.now + limit
        var found: [String] = []
        for endpoint in endpoints {
            var settled: (any WebSocketEndpoint)? = endpoint
            if let pending = endpoint as? PendingPyWebSocketHandler {
                settled = await Self.value(of: pending.verdict, before: deadline)
            }
            if let broken = settled as? BrokenHandler { found.append(broken.bannerLine) }
        }
        return found
    }

    /// The task's value, or nil when it is not there by `deadline`.
    private static func value<T: Sendable>(of task: Task<T, Never>, before deadline: ContinuousClock.Instant) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await task.value }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func displayName(_ file: HandlerFile) -> String { displayRoot + "/" + file.relative }

    private func makeEndpoint(_ file: HandlerFile) -> any WebSocketEndpoint {
        let name = displayName(file)
        let scriptName = file.endpointPaths[0]
        switch file.kind {
        case .pywebsocket:
            let context = PyWebSocketHandler.Context(processes: processes, maxMessageBytes: maxMessageBytes, handlerTimeout: handlerTimeout, events: events, log: log)
            return PendingPyWebSocketHandler(file: file.path, displayName: name, context: context)
        case .script:
            if let problem = HandlerFile.problem(with: file.path, displayName: name) {
                return BrokenHandler(displayName: name, problem: problem)
            }
            let directives = HandlerDirectives.read(from: file.path)
            if !directives.unknown.isEmpty {
                log.warning("handler \(name): ignoring unknown wsdev: settings \(directives.unknown.joined(separator: " ")) (known: broadcast, messages=lines|json, protocols=a,b)")
            }
            let group = directives.broadcast
                ? BroadcastGroup(file: file.path, directives: directives, scriptName: scriptName, processes: processes, maxMessageBytes: maxMessageBytes, log: log)
                : nil
            return ScriptEndpoint(
                file: file.path, directives: directives, displayName: name, scriptName: scriptName, broadcast: group,
                processes: processes, maxMessageBytes: maxMessageBytes, events: events, log: log)
        }
    }

    static func files(in root: String) -> [HandlerFile] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [HandlerFile] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") || name == "__pycache__" || name == "node_modules" {
                walker.skipDescendants()
                continue
            }
            let path = root + "/" + relative
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, !HandlerFile.isIgnored(name) else { continue }
            let signature = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_size)-\(info.st_mode)-\(info.st_ino)"
            files.append(HandlerFile(path: path, relative: relative, kind: name.hasSuffix("_wsh.py") ? .pywebsocket : .script, signature: signature))
        }
        return files
    }
}
