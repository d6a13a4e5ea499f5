import Foundation

/// What `stat` says of a file that changes whenever its content could have: inode, size, and
/// modification time to the nanosecond. The caches of file bytes, answers and media types key on
/// it, so an edited or replaced file is read again and nothing is served stale.
struct FileVersion: Hashable, Sendable {
    let inode: UInt64
    let size: Int
    let seconds: Int
    let nanoseconds: Int

    init(_ info: stat) {
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }

    /// This version, if `info` (a fresh `stat`) is still it and a regular file.
    func isCurrent(_ info: stat) -> Bool {
        info.st_mode & S_IFMT == S_IFREG && FileVersion(info) == self
    }

    /// Strong validator: changes whenever the content could have changed.
    var etag: String {
        "\"\(String(inode, radix: 16))-\(String(size, radix: 16))-\(String(seconds, radix: 16))\(String(nanoseconds, radix: 16))\""
    }
}
