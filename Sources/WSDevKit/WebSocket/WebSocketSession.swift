import Foundation
import NIOCore
import WSWire

/// The RFC 6455 engine: one WebSocket, served on its event loop straight from the socket's bytes
/// to the socket's bytes, for every endpoint (built-ins, handlers, live reload).
///
/// One handler reads the frames of a read batch in place, unmasks each payload once, hands whole
/// messages to the endpoint's delegate, and writes the batch's answers as one buffer. It enforces
/// masked client frames, whole control frames of at most 125 bytes, reserved bits and opcodes
/// (1002), fragments, UTF-8 (1007), the message limit on the inflated message (1009),
/// permessage-deflate (RFC 7692), ping both ways, both ways of closing, at most one close frame
/// from the server, and no reading from a client that does not read what it is sent.
final class WebSocketSession: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        case open
        /// Our close frame is out (or the delegate is choosing its answer to the client's).
        case closing
        case closed
    }

    let socket: WebSocket
    let maxMessageBytes: Int
    let closeTimeout: TimeAmount
    let deflate: DeflateCodec?
    let stats: SessionStats
    /// Where frames are reported while someone watches (nil for wsdev's own sockets).
    let events: SocketEvents?
    private let pings: PingSweep
    private let onClose: () -> Void
    var delegate: (any WebSocketDelegate)?
    var state = State.open
    /// The message being reassembled from fragments: its opcode, the bytes so far (inflated, for a
    /// compressed one), whether it is compressed, and for text, its UTF-8 checked as it came.
    var partial: (opcode: UInt8, data: ByteBuffer, compressed: Bool, text: UTF8Stream)?
    /// For an uncompressed text frame still arriving: how many payload bytes were checked, and the check.
    var arrivingText: (checked: Int, text: UTF8Stream)?
    /// The start of a frame whose end has not arrived yet.
    private var unread: ByteBuffer?
    /// What `unread` holds; the fuzz harness checks that it stays within one frame's bounds.
    var unreadBytes: Int { unread?.readableBytes ?? 0 }
    /// Where whole payloads are unmasked; reused while nothing else holds it.
    var scratch = ByteBuffer()
    /// Frames written since the last flush, sent as one buffer.
    var outgoing: ByteBuffer?
    var unflushed = false
    /// A flush is queued on the event loop for frames sent outside a read batch.
    var flushQueued = false
    var inReadBatch = false
    var closeSent = false
    /// Why the delegate closes, at more length than a close frame holds, for the console and the page.
    var closeExplanation: String?
    var closeTimer: Scheduled<Void>?
    var context: ChannelHandlerContext?
    /// Whether anything arrived since the last ping check; a peer that vanished without a FIN
    /// is noticed only by its silence.
    var heard = true
    /// A read held back: the socket cannot take more of what we send, or the delegate paused.
    private var readHeld = false
    private var pausedByDelegate = false
    /// The client broke the protocol and the delegate is sending its last replies: nothing more is read.
    var discarding = false

    init(
        socket: WebSocket, maxMessageBytes: Int, deflate: PerMessageDeflate?, pings: PingSweep, stats: SessionStats,
        events: SocketEvents?, closeTimeout: TimeAmount = .seconds(10), onClose: @escaping () -> Void
    ) {
        self.events = events
        self.socket = socket
        self.maxMessageBytes = maxMessageBytes
        self.deflate = deflate.map(DeflateCodec.init)
        self.pings = pings
        self.closeTimeout = closeTimeout
        self.stats = stats
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        socket.session = self
        pings.add(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leave()
    }

    private func leave() {
        pings.remove(self)
        socket.session = nil
        context = nil
    }

    /// Whether frames are being watched (the live console is open); nothing is built otherwise.
    var framesWatched: Bool { events?.isWatched(.frames) ?? false }

    /// Reports a frame to whoever watches; nothing is built while nobody does.
    func report(inbound: Bool, _ kind: SocketEvent.Frame.Kind, _ payload: ByteBuffer) {
        guard let events, events.isWatched(.frames) else { return }
        events.publish(.frames, .frame(SocketEvent.Frame(
            id: socket.info.id, inbound: inbound, kind: kind, size: payload.readableBytes, preview: SocketEvents.preview(payload), at: Date())))
    }

    /// Called by the ping sweep once per interval.
    func checkAlive() {
        if let context { checkAlive(context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discarding else { return }
        var bytes = unwrapInboundIn(data)
        heard = true
        inReadBatch = true
        if var held = unread {
            unread = nil
            held.writeBuffer(&bytes)
            bytes = held
        }
        while state != .closed, !discarding {
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
            if let (code, reason) = violation(in: header) { return refuse(context: context, code: code, reason) }
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
        inReadBatch = false
        flush(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        let delegate = self.delegate
        self.delegate = nil
        leave()
        onClose()
        delegate?.closed()
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

    /// No reading from a client that does not read what it is sent (what NIO's
    /// `BackPressureHandler` does), nor while the delegate has paused.
    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable, !pausedByDelegate, !discarding {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            resumeHeldRead(context: context)
            delegate?.writable()
        }
        context.fireChannelWritabilityChanged()
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    func setPaused(_ paused: Bool) {
        pausedByDelegate = paused
        if !paused, let context { resumeHeldRead(context: context) }
    }

    private func resumeHeldRead(context: ChannelHandlerContext) {
        guard readHeld, context.channel.isWritable, !pausedByDelegate else { return }
        readHeld = false
        context.read()
    }
}

@available(*, unavailable)
extension WebSocketSession: Sendable {}
