import Foundation
import NIOCore

/// Splits a handler's output into lines ("\n", a "\r" before it dropped), each a slice of what was
/// read, with no copy and each byte looked at once however the lines are cut across reads
/// (`OutputReader` for standard output, `ErrorReader` for standard error).
enum LineSplitter {
    /// A line longer than the limit, with no end in sight.
    struct TooLong: Error {
        let limit: Int
    }

    /// The next whole line at the front of `buffer` ("\n" consumed, a "\r" before it dropped), or
    /// nil while it has none; `scanned` carries how far earlier calls searched the same bytes.
    /// Throws `TooLong` once a line runs over `limit`.
    static func nextLine(in buffer: inout ByteBuffer, scanned: inout Int, limit: Int) throws -> ByteBuffer? {
        let from = scanned
        // memchr: a generic search over the buffer's view goes byte by byte, which dominated the
        // server's time with long lines.
        let found: Int? = buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count > from, let base = bytes.baseAddress,
                let hit = memchr(base + from, Int32(UInt8(ascii: "\n")), bytes.count - from) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        guard let length = found else {
            scanned = buffer.readableBytes
            if scanned > limit { throw TooLong(limit: limit) }
            return nil
        }
        scanned = 0
        guard length - 1 <= limit else { throw TooLong(limit: limit) }  // a "\r" may come before the "\n"
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return line
    }
}
