import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

/// Complete answers the slow path (`StaticResponder`) already gave for small files, per URL path,
/// so `FastFileHandler` can give them again on the event loop without a Swift task per request.
///
/// An entry is only used while one `stat` of the path the URL names still finds the same file
/// version (inode, size, modification time to the nanosecond) the slow path resolved and read:
/// an edit, a replacement, a deletion or a retargeted symlink all send the request back to the
/// slow path, which resolves it afresh (decoding, `realpath` confinement, dotfiles) and records
/// the new version. Stat-based rather than watcher-based, because with `--no-reload` nothing
/// watches the files; one `stat` costs about a microsecond.
final class FastFileTable: Sendable {
    /// The URL path an answer belongs to (percent-encoded, without the query), and the path under
    /// the root it names before symlinks are followed (`DocumentRoot.candidate`).
    struct Route: Sendable {
        let urlPath: String
        let candidate: String
    }

    /// One URL path's answers: 200 (GET and HEAD) and 304, headers exactly as the slow path sends
    /// them, less `Date`, which is added per request. A class: the event loop takes one reference
    /// per request instead of copying a dozen.
    final class Entry: Sendable {
        let candidate: String
        let inode: UInt64
        let size: Int
        let seconds: Int
        let nanoseconds: Int
        /// The validators `Preconditions` compares; the page's own with the reload script.
        let etag: String
        let modifiedSeconds: Int
        let ok: HTTPHeaders
        let notModified: HTTPHeaders
        /// The whole body; nil for files too large to keep, which are sent from disk (`open`).
        let body: ByteBuffer?
        /// " 1024 B", as the access log writes Content-Length.
        let logLength: String

        init(
            candidate: String, file: FileInfo, etag: String, modifiedSeconds: Int,
            ok: HTTPHeaders, notModified: HTTPHeaders, body: ByteBuffer?, logLength: String
        ) {
            self.candidate = candidate
            self.inode = file.inode
            self.size = file.size
            self.seconds = Int(file.modified.tv_sec)
            self.nanoseconds = Int(file.modified.tv_nsec)
            self.etag = etag
            self.modifiedSeconds = modifiedSeconds
            self.ok = ok
            self.notModified = notModified
            self.body = body
            self.logLength = logLength
        }

        func sameVersion(as other: Entry) -> Bool {
            candidate == other.candidate && inode == other.inode && size == other.size
                && seconds == other.seconds && nanoseconds == other.nanoseconds
        }

        /// True when `info` (a fresh `stat` of `candidate`) is still the version this entry was made from.
        func isCurrent(_ info: stat) -> Bool {
            info.st_mode & S_IFMT == S_IFREG && UInt64(info.st_ino) == inode && Int(info.st_size) == size
                && Int(info.st_mtim.tv_sec) == seconds && Int(info.st_mtim.tv_nsec) == nanoseconds
        }

        /// The file, opened for `sendfile` and checked (on the descriptor, so no rename can slip in
        /// between) to be this entry's version; nil when it is not. The caller closes it.
        func open() -> NIOFileHandle? {
            let descriptor = Foundation.open(candidate, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            var info = stat()
            guard fstat(descriptor, &info) == 0, isCurrent(info) else {
                close(descriptor)
                return nil
            }
            return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
        }
    }

    private struct Store {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let store = Mutex(Store())
    private let devHeaders: DevHeaders
    /// When the table would grow past this many entries or body bytes, it starts again empty.
    private let maxEntries = 4096
    private let budget = 32 << 20

    init(devHeaders: DevHeaders) {
        self.devHeaders = devHeaders
    }

    /// Called by the slow path with what it would send for a whole, unconditional GET of `file`,
    /// and for a 304, both before the dev headers and `Date` are added. A nil `body`: from disk.
    func record(
        _ route: Route, file: FileInfo, etag: String, modifiedSeconds: Int,
        ok: HTTPFields, notModified: HTTPFields, body: ByteBuffer?
    ) {
        var ok = ok
        var notModified = notModified
        devHeaders.apply(to: &ok)
        devHeaders.apply(to: &notModified)
        // A `--header 'Date: …'` keeps its place in the slow path's answers; not worth copying here.
        guard ok[.date] == nil, notModified[.date] == nil else { return }
        let entry = Entry(
            candidate: route.candidate, file: file, etag: etag, modifiedSeconds: modifiedSeconds,
            ok: HTTPHeaders(ok), notModified: HTTPHeaders(notModified), body: body,
            logLength: ok[.contentLength].map { " \($0) B" } ?? "")
        let bytes = body?.readableBytes ?? 0
        store.withLock { store in
            if store.entries.count >= maxEntries || store.bytes + bytes > budget { store = Store() }
            if let old = store.entries.updateValue(entry, forKey: route.urlPath) { store.bytes -= old.body?.readableBytes ?? 0 }
            store.bytes += bytes
        }
    }

    /// The entry for `urlPath` when the file it names is still the version it was made from;
    /// synchronous (one `stat`), for the event loop.
    func current(_ urlPath: Substring) -> Entry? {
        let key = String(urlPath)
        guard let entry = store.withLock({ $0.entries[key] }) else { return nil }
        var info = stat()
        if stat(entry.candidate, &info) == 0, entry.isCurrent(info) { return entry }
        store.withLock { store in
            // Unless the slow path has meanwhile recorded the new version.
            guard let stored = store.entries[key], stored.sameVersion(as: entry) else { return }
            store.entries[key] = nil
            store.bytes -= stored.body?.readableBytes ?? 0
        }
        return nil
    }
}
