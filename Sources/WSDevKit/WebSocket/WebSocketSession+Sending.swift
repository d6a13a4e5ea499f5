import NIOCore
import WSWire

/// How `WebSocketSession` writes: a read batch's frames leave as one buffer at its end, and
/// frames sent outside a read batch (a handler's output, a broadcast) are flushed once the event
/// loop has handled everything else that became ready with them.
extension WebSocketSession {
    /// A message from the delegate; compressed when permessage-deflate is on and it is worth it.
    func send(_ message: WebSocketMessage, flushSoon: Bool = true) {
        guard let context, !closeSent, state != .closed else { return }
        report(inbound: false, message.kind == .text ? .text : .binary, message.data)
        if let deflate, let compressed = deflate.deflate(message.data, allocator: context.channel.allocator) {
            writeFrame(context: context, opcode: message.opcode, compressed, compressed: true)
        } else {
            writeFrame(context: context, opcode: message.opcode, message.data)
        }
        stats.countOut(bytes: message.data.readableBytes)
        if flushSoon, !inReadBatch, !flushQueued {
            flushQueued = true
            context.eventLoop.assumeIsolated().execute { [self] in
                flushQueued = false
                if let context = self.context { flush(context: context) }
            }
        }
    }

    /// Adds a whole frame to what the next flush sends. Large payloads are written as they are,
    /// after the frames before them, rather than copied.
    func writeFrame(context: ChannelHandlerContext, opcode: UInt8, _ payload: ByteBuffer, compressed: Bool = false) {
        let count = payload.readableBytes
        var out = outgoing ?? context.channel.allocator.buffer(capacity: 14 + min(count, Self.copyLimit))
        outgoing = nil
        out.writeFrameHeader(opcode: opcode, length: count, compressed: compressed)
        if count <= Self.copyLimit {
            out.writeImmutableBuffer(payload)
            outgoing = out
        } else {
            context.write(wrapOutboundOut(out), promise: nil)
            context.write(wrapOutboundOut(payload), promise: nil)
        }
        unflushed = true
    }

    /// Sends what `send(_:flushSoon: false)` held; inside a read batch its end sends it anyway.
    func flushHeld() {
        guard !inReadBatch, let context else { return }
        flush(context: context)
    }

    private static var copyLimit: Int { 4096 }

    func flush(context: ChannelHandlerContext) {
        if let out = outgoing {
            outgoing = nil
            context.write(wrapOutboundOut(out), promise: nil)
        }
        if unflushed {
            unflushed = false
            context.flush()
        }
    }
}
