import Foundation
import NIOCore

/// Splits a handler's output into lines ("\n", a "\r" before it dropped), each a slice of what was
/// read, with no copy and each byte looked at once however the lines are cut across reads: what a
/// read leaves after its last "\n" waits here for the next (`OutputReader` for standard output,
/// `ErrorReader` for standard error).
struct LineSplitter {
    /// A line longer than the limit, with no end in sight.
    struct TooLong: Error {
        let limit: Int
    }

    /// Read and not cut into lines yet: the start of a line whose end has not come.
    private var unread: ByteBuffer?
    /// How far `unread` has been searched for "\n" already.
    private var scanned = 0

    /// Adds what one read brought, after what the reads before it left.
    mutating func append(_ bytes: ByteBuffer) {
        guard var start = unread else { return unread = bytes }
        unread = nil  // so that `start` is the buffer's only owner, and grows in place
        var bytes = bytes
        start.writeBuffer(&bytes)
        unread = start
    }

    /// The next whole line ("\n" consumed, a "\r" before it dropped), or nil while there is none.
    /// Throws `TooLong` once a line runs over `limit`; its bytes stay, for `piece`.
    mutating func nextLine(limit: Int) throws -> ByteBuffer? {
        guard var buffer = unread else { return nil }
        unread = nil
        defer { if buffer.readableBytes > 0 { unread = buffer } }
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

    /// After `TooLong`: the next `limit` bytes of the long line, for a reader that keeps it in pieces.
    mutating func piece(limit: Int) -> ByteBuffer {
        scanned = 0
        let piece = unread!.readSlice(length: limit)!
        if unread!.readableBytes == 0 { unread = nil }
        return piece
    }

    /// At the end of the output: a last line without "\n", which still counts.
    mutating func rest() -> ByteBuffer? {
        defer { (unread, scanned) = (nil, 0) }
        guard let last = unread, last.readableBytes > 0 else { return nil }
        return last
    }
}
