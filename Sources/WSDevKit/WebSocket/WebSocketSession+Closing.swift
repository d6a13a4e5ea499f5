import Foundation
import NIOCore
import WSWire

/// How `WebSocketSession` closes (RFC 6455 §5.5.1, §7): its own close, the answer to the
/// client's, failing the connection, and the keep-alive pings that notice a vanished peer.
extension WebSocketSession {
    /// A close frame from the client.
    func closeFrame(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        report(inbound: true, .close, payload)
        var payload = payload
        let length = payload.readableBytes
        let code = payload.readInteger(as: UInt16.self)
        stats.clientClosed(code: code)
        switch state {
        case .closed:
            return
        case .closing:
            guard closeSent else { return }  // the delegate is still choosing its answer
            socket.clientClose = (code, payload.readString(length: payload.readableBytes) ?? "")
            return finish(context: context)  // the answer to ours ends the connection (§5.5.1)
        case .open:
            break
        }
        if length == 1 {
            return fail(context: context, code: CloseCode.protocolError, "the client's close frame had a one-byte payload; a close code takes two")
        }
        if let code {
            guard CloseCode.isSendable(code) else {
                return fail(context: context, code: CloseCode.protocolError, "the client closed with code \(code), which peers may not send (RFC 6455 §7.4)")
            }
            guard payload.isValidUTF8 else {
                return fail(context: context, code: CloseCode.invalidPayload, "the client's close reason was not valid UTF-8")
            }
        }
        state = .closing
        let reason = payload.readString(length: payload.readableBytes) ?? ""
        socket.clientClose = (code, reason)
        switch delegate?.clientClosing(code: code, reason: reason) ?? .echo {
        case .echo:
            hangUp(context: context, code: code ?? CloseCode.normal)
        case .answer(let answer, let why):
            hangUp(context: context, code: answer, reason: why)
        case .later:
            closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: closeTimeout) { [self] in
                if let context = self.context { hangUp(context: context, code: CloseCode.normal) }
            }
        }
    }

    /// The delegate's close: ours first, or its late answer to the client's.
    func close(code: UInt16, reason: String) {
        guard let context, !closeSent else { return }
        switch state {
        case .open:
            startClosing(context: context, code: code, reason: reason)
        case .closing:
            closeTimer?.cancel()
            hangUp(context: context, code: code, reason: reason)
        case .closed:
            break
        }
    }

    /// A ping after a quiet interval; after a second one without a word back, the peer is gone.
    func checkAlive(context: ChannelHandlerContext) {
        guard state == .open else { return }
        if heard {
            heard = false
            var payload = context.channel.allocator.buffer(capacity: 8)
            payload.writeInteger(UInt64.random(in: .min ... .max))
            report(inbound: false, .ping, payload)
            writeFrame(context: context, opcode: FrameHeader.ping, payload)
            flush(context: context)
        } else {
            stats.note(.protocolViolation("the client answered nothing, not even a ping, for two ping intervals; closing (--ping-interval sets the interval)"))
            startClosing(context: context, code: CloseCode.goingAway)
        }
    }

    /// Our close first: wait for the peer's answer, but not forever.
    func startClosing(context: ChannelHandlerContext, code: UInt16, reason: String = "") {
        state = .closing
        _ = sendClose(context: context, code: code, reason: reason)
        let loopContext = context.loopBound
        closeTimer = context.eventLoop.scheduleTask(in: closeTimeout) { loopContext.value.close(promise: nil) }
    }

    /// _Fail the WebSocket Connection_ (§7.1.7): say why in the close frame and the log, then hang up;
    /// or, for a delegate that answers on another thread, first let it send its replies to the
    /// messages it already has (it closes with `code` itself, within `repliesTimeout`).
    func fail(context: ChannelHandlerContext, code: UInt16, _ reason: String) {
        stats.note(.protocolViolation(reason))
        partial = nil
        if state == .open, delegate?.clientFailing(code: code, reason: reason) == .afterReplies {
            state = .closing
            discarding = true
            closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.repliesTimeout) { [self] in
                if let context = self.context { hangUp(context: context, code: code) }
            }
            return
        }
        hangUp(context: context, code: code)
    }

    /// How long a failed connection waits for its delegate's last replies.
    static var repliesTimeout: TimeAmount { .seconds(1) }

    /// Our close frame, then the end of the TCP connection, with no answer awaited: the server
    /// closes the connection first (§7.1.1).
    func hangUp(context: ChannelHandlerContext, code: UInt16, reason: String = "") {
        state = .closing
        let loopContext = context.loopBound
        sendClose(context: context, code: code, reason: reason).whenComplete { _ in loopContext.value.close(promise: nil) }
    }

    private func finish(context: ChannelHandlerContext) {
        state = .closed
        closeTimer?.cancel()
        flush(context: context)
        context.close(promise: nil)
    }

    /// Writes the frames not yet flushed and the close frame after them; only the first close is sent.
    private func sendClose(context: ChannelHandlerContext, code: UInt16, reason: String) -> EventLoopFuture<Void> {
        guard !closeSent else {
            flush(context: context)
            return context.eventLoop.makeSucceededVoidFuture()
        }
        closeSent = true
        // A close written after the peer vanished never arrives; the log should say 1006.
        if context.channel.isActive {
            stats.serverClosed(code: code)
            if SocketEvent.Failed.isFailure(code) { reportFailure(code: code, reason: closeExplanation ?? stats.violation ?? reason) }
        }
        let reason = CloseCode.clip(reason)
        var out = outgoing ?? context.channel.allocator.buffer(capacity: 4 + reason.utf8.count)
        outgoing = nil
        unflushed = false
        if code == CloseCode.noStatus {
            out.writeFrameHeader(opcode: FrameHeader.close, length: 0)
        } else {
            out.writeFrameHeader(opcode: FrameHeader.close, length: 2 + reason.utf8.count)
        }
        let payloadStart = out.writerIndex
        if code != CloseCode.noStatus {
            out.writeInteger(code)
            out.writeString(reason)
        }
        if framesWatched, let payload = out.getSlice(at: payloadStart, length: out.writerIndex - payloadStart) { report(inbound: false, .close, payload) }
        return context.writeAndFlush(wrapOutboundOut(out))
    }

    /// Tells the pages' error channel and the console why the server is closing this connection.
    private func reportFailure(code: UInt16, reason: String) {
        guard let events, events.isWatched(.problems) else { return }
        let info = socket.info
        events.publish(.problems, .failed(SocketEvent.Failed(
            id: info.id, path: info.path, remote: "\(info.remoteAddress):\(info.remotePort)", origin: info.origin, code: code,
            reason: reason.isEmpty ? "(no reason given)" : reason, at: Date())))
    }
}
