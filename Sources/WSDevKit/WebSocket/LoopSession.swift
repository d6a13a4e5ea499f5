import NIOCore
import NIOWebSocket

/// One WebSocket served on its event loop for an `EventLoopEndpoint` (RFC 6455 §5–7), straight
/// from the socket's bytes to the socket's bytes.
///
/// The other path (NIO's frame codec, its error handler, `FrameGuard`, NIO's back-pressure
/// handler and a session behind them) cost about eight handler hops, a boxed frame each way
/// and a buffer per message; for small echoes that was most of the server's CPU
/// (Benchmarks/README.md). Here one handler reads the frames of a read batch in place, unmasks
/// each payload once, and writes the batch's answers as one buffer.
///
/// It enforces what the two paths share: masked client frames, whole control frames of at most
/// 125 bytes, reserved bits and opcodes (1002), fragments, UTF-8 (1007), the message limit
/// (1009), ping both ways, both ways of closing, at most one close frame from the server, and no
/// reading from a client that does not read what it is sent.
final class LoopSession: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State { case open, closing, closed }

    let endpoint: any EventLoopEndpoint
    let maxMessageBytes: Int
    let closeTimeout: TimeAmount
    private let pings: PingSweep
    let stats: SessionStats
    private let onClose: @Sendable () -> Void
    var state = State.open
    /// The message being reassembled from fragments: its opcode, the unmasked bytes so far, and
    /// for text, their UTF-8 checked as they came.
    var partial: (opcode: UInt8, data: ByteBuffer, text: UTF8Stream)?
    /// For a text frame still arriving: how many of its payload bytes were checked, and the check.
    var arrivingText: (checked: Int, text: UTF8Stream)?
    /// The start of a frame whose end has not arrived yet.
    private var unread: ByteBuffer?
    /// Where whole payloads are unmasked; reused while nothing else holds it.
    var scratch = ByteBuffer()
    /// Frames written during this read batch, sent as one buffer at its end.
    var outgoing: ByteBuffer?
    var unflushed = false
    var closeSent = false
    var closeTimer: Scheduled<Void>?
    /// Set while the session is in the pipeline, for the ping sweep.
    private var context: ChannelHandlerContext?
    /// Whether anything arrived since the last ping check; a peer that vanished without a FIN
    /// is noticed only by its silence.
    var heard = true
    /// A read held back while the socket cannot take more of what we send.
    private var readHeld = false

    init(
        endpoint: any EventLoopEndpoint, maxMessageBytes: Int, pings: PingSweep, stats: SessionStats,
        closeTimeout: TimeAmount = .seconds(10), onClose: @escaping @Sendable () -> Void
    ) {
        self.endpoint = endpoint
        self.maxMessageBytes = maxMessageBytes
        self.pings = pings
        self.closeTimeout = closeTimeout
        self.stats = stats
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pings.add(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leave()
    }

    private func leave() {
        pings.remove(self)
        context = nil
    }

    /// Called by the ping sweep once per interval.
    func checkAlive() {
        if let context { checkAlive(context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        heard = true
        if var held = unread {
            unread = nil
            held.writeBuffer(&bytes)
            bytes = held
        }
        while state != .closed {
            let header: FrameHeader
            switch FrameHeader.parse(bytes, maxPayload: maxMessageBytes) {
            case .needMore:
                return keep(bytes, wholeFrame: nil, context: context)
            case .tooLong(let length):
                return refuse(context: context, code: CloseCode.tooBig, "a frame of \(length) bytes is over the \(maxMessageBytes)-byte message limit; start wsdev with a larger --max-message")
            case .frame(let parsed):
                header = parsed
            }
            guard let key = header.maskKey else {
                return refuse(context: context, code: CloseCode.protocolError, "client sent an unmasked frame; RFC 6455 §5.1 requires clients to mask every frame")
            }
            if let (code, reason) = Self.violation(in: header) { return refuse(context: context, code: code, reason) }
            guard bytes.readableBytes >= header.length + header.payloadLength else {
                if !checkArrivingText(header, key: key, bytes) {
                    return refuse(context: context, code: CloseCode.invalidPayload, Self.invalidText)
                }
                return keep(bytes, wholeFrame: header.length + header.payloadLength, context: context)
            }
            bytes.moveReaderIndex(forwardBy: header.length)
            handle(header, key: key, bytes.readSlice(length: header.payloadLength)!, context: context)
        }
    }

    /// A frame that breaks the rules fails the connection; after our close frame it just ends it.
    private func refuse(context: ChannelHandlerContext, code: UInt16, _ reason: String) {
        if state == .open { fail(context: context, code: code, reason) } else { context.close(promise: nil) }
    }

    /// Copies an incomplete frame into a buffer big enough for all of it, so the socket's read
    /// buffer is free again and the frame's remaining bytes are appended without regrowing.
    private func keep(_ bytes: ByteBuffer, wholeFrame: Int?, context: ChannelHandlerContext) {
        guard bytes.readableBytes > 0 else { return }
        var held = context.channel.allocator.buffer(capacity: max(wholeFrame ?? 0, bytes.readableBytes))
        held.writeImmutableBuffer(bytes)
        unread = held
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        leave()
        onClose()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Half-closure is allowed on our connections (HTTP needs it), so a client that sends FIN
        // without a close frame is not closed by NIO: nothing more can come, so hang up (1006).
        if case .inputClosed? = event as? ChannelEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)  // a reset, or a write that failed: the connection is gone
    }

    /// The server is shutting down: 1001, then the usual wait for the client's close.
    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is SessionRegistry.GoingAway else {
            return context.triggerUserOutboundEvent(event, promise: promise)
        }
        if state == .open { startClosing(context: context, code: CloseCode.goingAway, reason: "server shutting down") }
        promise?.succeed()
    }

    /// A client that sends faster than it reads is not read from until it catches up (what NIO's
    /// `BackPressureHandler` does).
    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if readHeld, context.channel.isWritable {
            readHeld = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    /// Adds a whole frame to this batch's answer. Large payloads are written as they are, after
    /// the frames before them, rather than copied.
    func send(context: ChannelHandlerContext, opcode: UInt8, _ payload: ByteBuffer) {
        let count = payload.readableBytes
        var out = outgoing ?? context.channel.allocator.buffer(capacity: 14 + min(count, Self.copyLimit))
        outgoing = nil
        out.writeFrameHeader(opcode: opcode, length: count)
        if count <= Self.copyLimit {
            out.writeImmutableBuffer(payload)
            outgoing = out
        } else {
            context.write(wrapOutboundOut(out), promise: nil)
            context.write(wrapOutboundOut(payload), promise: nil)
        }
        unflushed = true
    }

    private static let copyLimit = 4096

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
