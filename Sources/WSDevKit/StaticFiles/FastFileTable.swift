import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

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
        let version: FileVersion
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
            self.version = file.version
            self.etag = etag
            self.modifiedSeconds = modifiedSeconds
            self.ok = ok
            self.notModified = notModified
            self.body = body
            self.logLength = logLength
        }

        func sameVersion(as other: Entry) -> Bool {
            candidate == other.candidate && version == other.version
        }

        /// The file, opened for `sendfile` and checked (on the descriptor, so no rename can slip in
        /// between) to be this entry's version; nil when it is not. The caller closes it.
        func open() -> NIOFileHandle? {
            let descriptor = Foundation.open(candidate, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            var info = stat()
            guard fstat(descriptor, &info) == 0, version.isCurrent(info) else {
                close(descriptor)
                return nil
            }
            return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
        }
    }

    private let store = BoundedStore<String, Entry>()
    private let devHeaders: DevHeaders

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
        store.insert(entry, bytes: body?.readableBytes ?? 0, for: route.urlPath)
    }

    /// The entry for `urlPath` when the file it names is still the version it was made from;
    /// synchronous (one `stat`), for the event loop.
    func current(_ urlPath: Substring) -> Entry? {
        let key = String(urlPath)
        guard let entry = store[key] else { return nil }
        var info = stat()
        if stat(entry.candidate, &info) == 0, entry.version.isCurrent(info) { return entry }
        // Unless the slow path has meanwhile recorded the new version.
        store.remove(key) { $0.sameVersion(as: entry) }
        return nil
    }
}
