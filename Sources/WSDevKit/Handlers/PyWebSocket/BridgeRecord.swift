import NIOCore
import WSWire

/// The records between wsdev and its Python bridge, on the bridge's stdin and stdout (the Python
/// side is `Bridge/wsdev_wire.py`). One bridge process serves every connection of a `_wsh.py`
/// file, so every record names its connection.
///
///     [u8 op][u32 connection id][u32 payload length][payload]      (big-endian)
///
/// Messages travel as their raw bytes, in pieces of at most `chunk` bytes, with WebSocket's own
/// opcodes (0 continuation, 1 text, 2 binary; `fin` on a message's last piece): no encoding, and one
/// copy per side for a large message. Only the rare records carry JSON: the handshake, the answer to
/// it, the bridge's ready record and its log lines.
///
/// Flow control: per connection and direction, at most `window` messages (or pieces) and about
/// `windowBytes` bytes are sent and not yet acknowledged (`ack`: a count and a byte total, sent by
/// the receiver in batches of half a window). Neither side's reader ever waits for a handler or a
/// client, so one slow client or one handler that does not read stops only its own connection,
/// and a 16 MiB message never has more than a window's worth of pieces queued behind it.
enum BridgeRecord {
    static let headerSize = 9
    static let chunk = 256 * 1024
    static let window = 64
    static let windowBytes = 1 << 20
    /// Longest record accepted from the bridge: a piece, or a handshake answer with its headers.
    static let limit = 4 << 20

    enum Op {
        // Both ways.
        static let continuation: UInt8 = 0x0
        static let text: UInt8 = 0x1
        static let binary: UInt8 = 0x2
        static let fin: UInt8 = 0x80
        static let ack = UInt8(ascii: "A")
        // wsdev → bridge.
        static let handshake = UInt8(ascii: "H")
        static let open = UInt8(ascii: "O")
        static let clientClose = UInt8(ascii: "c")
        static let clientFailed = UInt8(ascii: "f")
        static let gone = UInt8(ascii: "G")
        // bridge → wsdev.
        static let ready = UInt8(ascii: "R")
        static let fatal = UInt8(ascii: "F")
        static let accept = UInt8(ascii: "Y")
        static let reject = UInt8(ascii: "N")
        static let close = UInt8(ascii: "X")
        static let done = UInt8(ascii: "D")
        static let log = UInt8(ascii: "L")

        static func isData(_ op: UInt8) -> Bool { op & 0x7F <= binary }
    }

    /// One record from the bridge, its payload a slice of what was read.
    struct Incoming {
        let op: UInt8
        let id: UInt32
        var payload: ByteBuffer

        init(_ record: ByteBuffer) {
            var record = record
            op = record.readInteger(as: UInt8.self)!
            id = record.readInteger(as: UInt32.self)!
            record.moveReaderIndex(forwardBy: 4)
            payload = record
        }
    }

    /// A whole record whose payload is small enough to copy next to its header.
    static func make(_ op: UInt8, id: UInt32, payload: ByteBuffer? = nil, allocator: ByteBufferAllocator) -> ByteBuffer {
        let length = payload?.readableBytes ?? 0
        var record = allocator.buffer(capacity: headerSize + length)
        writeHeader(op, id: id, length: length, into: &record)
        if let payload { record.writeImmutableBuffer(payload) }
        return record
    }

    static func writeHeader(_ op: UInt8, id: UInt32, length: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(op)
        buffer.writeInteger(id)
        buffer.writeInteger(UInt32(length))
    }

    /// A close frame's code and reason as a payload; no code: 1005, which the other side reads as "none".
    static func closePayload(code: UInt16?, reason: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var payload = allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(code ?? CloseCode.noStatus)
        payload.writeString(reason)
        return payload
    }

    static func ackPayload(count: Int, bytes: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var payload = allocator.buffer(capacity: 8)
        payload.writeInteger(UInt32(count))
        payload.writeInteger(UInt32(bytes))
        return payload
    }

    /// The wire form of a connection id (ids are positive and far below 2^32 in one run).
    static func wireID(_ id: Int) -> UInt32 { UInt32(truncatingIfNeeded: id) }
}
