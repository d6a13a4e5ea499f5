import NIOCore
import NIOWebSocket

/// One WebSocket served on its event loop for an `EventLoopEndpoint` (RFC 6455 §5–7).
///
/// Sits behind `FrameGuard`, which has already refused unmasked frames, unmasked the rest and
/// counted messages, and behind NIO's decoder, which refuses oversized frames (1009) and
/// malformed control frames (1002). Here: reserved bits and opcodes, fragments, UTF-8, the
/// message size limit, ping (both ways), and both ways of closing. Writes are flushed once per
/// read batch.
final class LoopSession: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private enum State { case open, closing, closed }

    private let endpoint: any EventLoopEndpoint
    private let maxMessageBytes: Int
    private let closeTimeout: TimeAmount
    private let pingInterval: TimeAmount
    private let stats: SessionStats
    private let onClose: @Sendable () -> Void
    private var state = State.open
    /// The message being reassembled from fragments: its opcode and the bytes so far.
    private var partial: (opcode: WebSocketOpcode, data: ByteBuffer)?
    private var unflushed = false
    private var closeTimer: Scheduled<Void>?
    private var pinger: RepeatedTask?
    /// Whether anything arrived since the last ping check; a peer that vanished without a FIN
    /// is noticed only by its silence.
    private var heard = true

    init(
        endpoint: any EventLoopEndpoint, maxMessageBytes: Int, pingInterval: TimeAmount, stats: SessionStats,
        closeTimeout: TimeAmount = .seconds(10), onClose: @escaping @Sendable () -> Void
    ) {
        self.endpoint = endpoint
        self.maxMessageBytes = maxMessageBytes
        self.pingInterval = pingInterval
        self.closeTimeout = closeTimeout
        self.stats = stats
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let session = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopContext = context.loopBound
        pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
            session.value.checkAlive(context: loopContext.value)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        heard = true
        switch state {
        case .closed:
            return
        case .closing:
            // After our close frame only the peer's close matters (§5.5.1): it ends the connection.
            if frame.opcode == .connectionClose { finish(context: context) }
            return
        case .open:
            break
        }
        guard frame.reservedBits.isEmpty else {
            return fail(context: context, code: CloseCode.protocolError, "a frame had reserved bits set, but no extension was negotiated")
        }
        switch frame.opcode {
        case .text, .binary:
            guard partial == nil else {
                return fail(context: context, code: CloseCode.protocolError, "a new message began before the fragmented one before it was finished")
            }
            if frame.fin {
                deliver(context: context, opcode: frame.opcode, data: frame.data)
            } else {
                var data = context.channel.allocator.buffer(capacity: frame.data.readableBytes * 2)
                data.writeImmutableBuffer(frame.data)
                partial = (frame.opcode, data)
            }
        case .continuation:
            guard var message = partial else {
                return fail(context: context, code: CloseCode.protocolError, "a continuation frame arrived with no fragmented message to continue")
            }
            partial = nil
            guard message.data.readableBytes + frame.data.readableBytes <= maxMessageBytes else {
                return fail(context: context, code: CloseCode.tooBig, "a fragmented message grew past the \(maxMessageBytes)-byte limit; start wsdev with a larger --max-message")
            }
            message.data.writeImmutableBuffer(frame.data)
            if frame.fin {
                deliver(context: context, opcode: message.opcode, data: message.data)
            } else {
                partial = message
            }
        case .ping:
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.data)), promise: nil)
            unflushed = true
        case .pong:
            break
        case .connectionClose:
            peerClosed(context: context, payload: frame.data)
        default:
            fail(context: context, code: CloseCode.protocolError, "a frame used the reserved opcode \(UInt8(webSocketOpcode: frame.opcode))")
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        pinger?.cancel()
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
        // Protocol errors were answered by NIO's error handler; anything else (a reset) ends it.
        if !(error is NIOWebSocketError) { context.close(promise: nil) }
    }

    private func deliver(context: ChannelHandlerContext, opcode: WebSocketOpcode, data: ByteBuffer) {
        if opcode == .text, !data.isValidUTF8 {
            return fail(context: context, code: CloseCode.invalidPayload, "a text message was not valid UTF-8; send bytes as a binary message")
        }
        let answer = endpoint.answer(opcode, data)
        if let reply = answer.reply {
            context.write(wrapOutboundOut(reply), promise: nil)
            unflushed = true
        }
        if answer.thenClose { startClosing(context: context, code: CloseCode.normal) }
    }

    /// The peer's close frame while open: answer it (1000, or 1002/1007 for a malformed one), then
    /// end the TCP connection, which the server does first (RFC 6455 §7.1.1).
    private func peerClosed(context: ChannelHandlerContext, payload: ByteBuffer) {
        var payload = payload
        if payload.readableBytes == 1 {
            return fail(context: context, code: CloseCode.protocolError, "the client's close frame had a one-byte payload; a close code takes two")
        }
        if let code = payload.readInteger(as: UInt16.self) {
            guard CloseCode.isSendable(code) else {
                return fail(context: context, code: CloseCode.protocolError, "the client closed with code \(code), which peers may not send (RFC 6455 §7.4)")
            }
            guard payload.isValidUTF8 else {
                return fail(context: context, code: CloseCode.invalidPayload, "the client's close reason was not valid UTF-8")
            }
        }
        hangUp(context: context, after: CloseCode.normal)
    }

    /// A ping after a quiet interval; after a second one without a word back, the peer is gone.
    private func checkAlive(context: ChannelHandlerContext) {
        guard state == .open else { return }
        if heard {
            heard = false
            var payload = context.channel.allocator.buffer(capacity: 8)
            payload.writeInteger(UInt64.random(in: .min ... .max))
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: payload)), promise: nil)
        } else {
            stats.note(.protocolViolation("the client answered nothing, not even a ping, for two ping intervals; closing (--ping-interval sets the interval)"))
            startClosing(context: context, code: CloseCode.goingAway)
        }
    }

    /// Our close first: wait for the peer's answer, but not forever.
    private func startClosing(context: ChannelHandlerContext, code: UInt16) {
        state = .closing
        _ = sendClose(context: context, code: code)
        let loopContext = context.loopBound
        closeTimer = context.eventLoop.scheduleTask(in: closeTimeout) { loopContext.value.close(promise: nil) }
    }

    /// _Fail the WebSocket Connection_ (§7.1.7): say why in the close frame and the log, then hang up.
    private func fail(context: ChannelHandlerContext, code: UInt16, _ reason: String) {
        stats.note(.protocolViolation(reason))
        hangUp(context: context, after: code)
    }

    /// Our close frame, then the end of the TCP connection, with no answer awaited.
    private func hangUp(context: ChannelHandlerContext, after code: UInt16) {
        state = .closing
        let loopContext = context.loopBound
        sendClose(context: context, code: code).whenComplete { _ in loopContext.value.close(promise: nil) }
    }

    private func finish(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        context.close(promise: nil)
    }

    private func sendClose(context: ChannelHandlerContext, code: UInt16) -> EventLoopFuture<Void> {
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.writeInteger(code)
        unflushed = false
        return context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
    }
}
