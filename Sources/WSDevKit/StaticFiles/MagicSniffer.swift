import CMagic
import NIOPosix
import Synchronization

/// Media types from file content, through libmagic.
///
/// A libmagic call blocks (for milliseconds on large files), so it runs on NIO's thread pool and its answer
/// is cached per file version. A `magic_t` is not thread-safe: each call borrows a cookie from a pool.
///
/// Cookies, and so the magic database, are made on the first sniff, not at startup: only files
/// whose extension is not in `MediaTypeTable` need one, and the first sniff (database loaded)
/// adds megabytes of resident memory that most sessions never use.
final class MagicSniffer: Sendable {
    private struct Cookie: @unchecked Sendable { let handle: OpaquePointer }
    private struct Key: Hashable, Sendable { let path: String; let version: FileVersion }

    private let idle = Mutex<[Cookie]>([])
    private let cache = BoundedStore<Key, String>()
    /// The first failure to load the database is reported once; after it, sniffing falls back quietly.
    private let reported = Mutex(false)
    static let fallback = "application/octet-stream"

    deinit {
        idle.withLock { $0.forEach { magic_close($0.handle) } }
    }

    func mediaType(of file: FileInfo) async -> String {
        let key = Key(path: file.path, version: file.version)
        if let known = cache[key] { return known }
        let type = (try? await NIOThreadPool.singleton.runIfActive { self.sniff(path: file.path) }) ?? Self.fallback
        cache.insert(type, for: key)
        return type
    }

    /// Synchronous and blocking; call off the event loops.
    func sniff(path: String) -> String {
        guard let cookie = borrow() else { return Self.fallback }
        defer { idle.withLock { $0.append(cookie) } }
        guard let answer = magic_file(cookie.handle, path) else { return Self.fallback }
        return Self.normalize(String(cString: answer))
    }

    private func borrow() -> Cookie? {
        if let cookie = idle.withLock({ $0.popLast() }) { return cookie }
        guard let handle = magic_open(MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_ERROR) else {
            report("magic_open failed")
            return nil
        }
        guard magic_load(handle, nil) == 0 else {
            report(magic_error(handle).map { String(cString: $0) } ?? "magic_load failed")
            magic_close(handle)
            return nil
        }
        return Cookie(handle: handle)
    }

    private func report(_ reason: String) {
        guard reported.withLock({ done in defer { done = true }; return !done }) else { return }
        Console.write(
            "wsdev: cannot load the libmagic database (\(reason)); files whose extension wsdev does not know are sent as \(Self.fallback)\n",
            toError: true)
    }

    /// `text/plain; charset=us-ascii` → `text/plain; charset=utf-8`; `charset=binary` dropped.
    static func normalize(_ answer: String) -> String {
        let parts = answer.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let type = parts[0]
        if type.isEmpty || type == "application/x-empty" || type == "inode/x-empty" { return fallback }
        guard parts.count > 1, parts[1].hasPrefix("charset=") else { return type }
        switch parts[1].dropFirst("charset=".count) {
        case "us-ascii", "utf-8": return type.hasPrefix("text/") ? type + "; charset=utf-8" : type
        case "binary", "unknown-8bit": return type
        case let other: return type + "; charset=" + other
        }
    }
}

import Foundation
