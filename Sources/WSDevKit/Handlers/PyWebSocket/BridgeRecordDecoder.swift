import NIOCore
import WSWire

/// Cuts the bridge's standard output into whole records (`BridgeRecord`), each a slice of what was
/// read: no copy, and a record's length is known from its header, so nothing is searched.
struct BridgeRecordDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// A record longer than `BridgeRecord.limit`: the bridge is broken (or not the bridge).
    struct TooLong: Error {
        let length: Int
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex + 5, as: UInt32.self) else { return .needMoreData }
        let total = BridgeRecord.headerSize + Int(length)
        guard Int(length) <= BridgeRecord.limit else { throw TooLong(length: Int(length)) }
        guard buffer.readableBytes >= total else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: total)!))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData  // half a record at the end: the bridge died while writing it
    }
}
