import NIOCore
import WSWire

/// `FrameHeader.parse` reads every client frame's header in place: it must never read past the
/// bytes it has, never ask for more than a header can need, and agree with the writer.
enum FrameHeaderHarness {
    /// Message limits worth telling apart: the control-frame size, each length encoding's edges, the default.
    private static let limits = [0, 125, 126, 65_535, 65_536, 16 << 20, Int.max]

    static func run(_ data: UnsafeRawBufferPointer) {
        guard let first = data.first else { return }
        let limit = limits[Int(first) % limits.count]
        let bytes = Array(data.dropFirst())
        switch FrameHeader.parse(ByteBuffer(bytes: bytes), maxPayload: limit) {
        case .needMore:
            require(bytes.count < 14, "asked for more than \(bytes.count) bytes; a header has at most 14")
        case .tooLong(let length):
            require(length > UInt64(limit), "\(length) bytes called too long for a limit of \(limit)")
        case .frame(let header):
            check(header, bytes, limit: limit)
        }
    }

    private static func check(_ header: FrameHeader, _ bytes: [UInt8], limit: Int) {
        let sizes = header.maskKey == nil ? [2, 4, 10] : [6, 8, 14]
        require(sizes.contains(header.length) && header.length <= bytes.count, "header length \(header.length) of \(bytes.count) bytes")
        require(header.payloadLength >= 0 && header.payloadLength <= limit, "payload \(header.payloadLength) over \(limit)")
        require(header.opcode <= 0x0F && header.reservedBits & 0x8F == 0, "opcode \(header.opcode), reserved bits \(header.reservedBits)")
        for cut in 0..<header.length {
            guard case .needMore = FrameHeader.parse(ByteBuffer(bytes: bytes[..<cut]), maxPayload: limit) else {
                return require(false, "\(cut) of a \(header.length)-byte header were enough")
            }
        }
        // The writer's header for the same frame reads back the same, in no more bytes.
        var written = ByteBuffer()
        let key = header.maskKey.map { UInt32($0[0]) | UInt32($0[1]) << 8 | UInt32($0[2]) << 16 | UInt32($0[3]) << 24 }
        written.writeFrameHeader(opcode: header.opcode, length: header.payloadLength, maskKey: key, compressed: header.reservedBits & 0x40 != 0)
        guard case .frame(let again) = FrameHeader.parse(written, maxPayload: limit) else { return require(false, "the written header did not read back") }
        require(again.opcode == header.opcode && again.payloadLength == header.payloadLength && again.maskKey == header.maskKey, "written header differs")
        require(again.length == written.readableBytes && again.length <= header.length, "written header is \(again.length) bytes for \(header.length)")
    }
}
