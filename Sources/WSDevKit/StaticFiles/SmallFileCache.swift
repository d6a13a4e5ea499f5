import NIOCore
import Synchronization
import _NIOFileSystem

/// The bytes of small files, kept per file version (path, inode, size, modification time to the
/// nanosecond, as `DocumentRoot.resolve` just read them with `stat`), so a 1 KiB page is not
/// opened, read and closed through NIO's thread pool on every request. An edited file has a new
/// version and is read again; nothing is ever served stale.
///
/// `StaticResponder` uses it for GET bodies and for pages that get the live-reload script; it
/// roughly halved the server's CPU per 1 KiB request (Benchmarks/README.md).
final class SmallFileCache: Sendable {
    private struct Key: Hashable {
        let path: String
        let inode: UInt64
        let size: Int
        let seconds: Int
        let nanoseconds: Int
    }

    private struct Store {
        var entries: [Key: ByteBuffer] = [:]
        var bytes = 0
    }

    /// Files up to this size are cached; larger ones stream from disk as before.
    let largestFile: Int
    /// When the cache would grow past this, it starts again empty (cheap, and a dev site is small).
    let budget: Int
    private let store = Mutex(Store())

    init(largestFile: Int = 64 * 1024, budget: Int = 32 << 20) {
        self.largestFile = largestFile
        self.budget = budget
    }

    /// The whole file, from memory when this version was read before; nil when the file is too
    /// large to cache or cannot be read.
    func contents(of file: FileInfo) async -> ByteBuffer? {
        guard file.size <= largestFile else { return nil }
        let key = Key(
            path: file.path, inode: file.inode, size: file.size,
            seconds: Int(file.modified.tv_sec), nanoseconds: Int(file.modified.tv_nsec))
        if let hit = store.withLock({ $0.entries[key] }) { return hit }
        let limit = largestFile
        guard let bytes = try? await FileSystem.shared.withFileHandle(forReadingAt: FilePath(file.path), execute: { handle in
            try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(limit)))
        }), bytes.readableBytes == file.size else {
            return nil  // changed while being read: let the caller stream it, or say so
        }
        store.withLock { store in
            if store.bytes + bytes.readableBytes > budget || store.entries.count >= 4096 { store = Store() }
            if store.entries.updateValue(bytes, forKey: key) == nil { store.bytes += bytes.readableBytes }
        }
        return bytes
    }

    /// `range` of the cached file, for 200 and 206 answers alike.
    static func slice(_ bytes: ByteBuffer, _ range: Range<Int>) -> ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ByteBuffer()
    }
}
