import NIOCore
import _NIOFileSystem

/// The bytes of small files, kept per file version (path, inode, size, modification time to the
/// nanosecond, as `DocumentRoot.resolve` just read them with `stat`), so a 1 KiB page is not
/// opened, read and closed through NIO's thread pool on every request. An edited file has a new
/// version and is read again; nothing is ever served stale.
///
/// `StaticResponder` uses it for GET bodies and for pages that get the live-reload script: the
/// thread-pool round trip was most of a small request's cost.
final class SmallFileCache: Sendable {
    private struct Key: Hashable, Sendable {
        let path: String
        let version: FileVersion
    }

    /// Files up to this size are cached; larger ones stream from disk as before.
    let largestFile: Int
    private let store: BoundedStore<Key, ByteBuffer>

    init(largestFile: Int = 64 * 1024, budget: Int = 32 << 20) {
        self.largestFile = largestFile
        self.store = BoundedStore(budget: budget)
    }

    /// The whole file, from memory when this version was read before; nil when the file is too
    /// large to cache or cannot be read.
    func contents(of file: FileInfo) async -> ByteBuffer? {
        guard file.size <= largestFile else { return nil }
        let key = Key(path: file.path, version: file.version)
        if let hit = store[key] { return hit }
        let limit = largestFile
        guard let bytes = try? await FileSystem.shared.withFileHandle(forReadingAt: FilePath(file.path), execute: { handle in
            try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(limit)))
        }), bytes.readableBytes == file.size else {
            return nil  // changed while being read: let the caller stream it, or say so
        }
        store.insert(bytes, bytes: bytes.readableBytes, for: key)
        return bytes
    }

    /// `range` of the cached file, for 200 and 206 answers alike.
    static func slice(_ bytes: ByteBuffer, _ range: Range<Int>) -> ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ByteBuffer()
    }
}
