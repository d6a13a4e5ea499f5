import NIOCore
import NIOWebSocket

/// What `LoopSession` does with each frame, and how it closes (RFC 6455 §5.4–5.5, §7).
extension LoopSession {
    private typealias Opcode = FrameHeader

    /// What the header of a masked client frame shows to be wrong with it, as NIO's frame decoder
    /// checks it on the other path.
    static func violation(in header: FrameHeader) -> (UInt16, String)? {
        guard header.isControl else { return nil }
        guard header.fin else {
            return (CloseCode.protocolError, "a control frame (opcode \(header.opcode)) was fragmented; RFC 6455 §5.5 forbids it")
        }
        guard header.payloadLength <= 125 else {
            return (CloseCode.protocolError, "a control frame (opcode \(header.opcode)) carried \(header.payloadLength) bytes; RFC 6455 §5.5 allows 125")
        }
        return nil
    }

    /// One whole frame; `payload` is still masked with `key`.
    func handle(_ header: FrameHeader, key: SIMD4<UInt8>, _ payload: ByteBuffer, context: ChannelHandlerContext) {
        // What of this frame's text was checked while it arrived is not checked again.
        let arrived = arrivingText
        arrivingText = nil
        if header.reservedBits != 0, state == .open {
            return fail(context: context, code: CloseCode.protocolError, "a frame had reserved bits set, but no extension was negotiated")
        }
        if header.opcode == Opcode.close {
            let plain = unmasked(payload, key, context: context)
            stats.clientClosed(code: plain.getInteger(at: plain.readerIndex, as: UInt16.self))
            switch state {
            case .open: peerClosed(context: context, payload: plain)
            case .closing: finish(context: context)  // the answer to ours ends the connection (§5.5.1)
            case .closed: break
            }
            return
        }
        if header.fin, !header.isControl { stats.countIn() }  // counted even when not answered
        guard state == .open else { return }  // after our close frame only the peer's close matters
        switch header.opcode {
        case Opcode.text, Opcode.binary:
            guard partial == nil else {
                return fail(context: context, code: CloseCode.protocolError, "a new message began before the fragmented one before it was finished")
            }
            if header.fin {
                scratch.clear()
                unmask(payload, key, into: &scratch)
                if let arrived {
                    var text = arrived.text
                    guard Self.accept(scratch, from: arrived.checked, into: &text), text.endsOnWholeCharacter else {
                        return fail(context: context, code: CloseCode.invalidPayload, Self.invalidText)
                    }
                }
                deliver(context: context, opcode: header.opcode, data: scratch, checked: arrived != nil)
            } else {
                var data = context.channel.allocator.buffer(capacity: payload.readableBytes * 2)
                unmask(payload, key, into: &data)
                var text = arrived?.text ?? UTF8Stream()
                if header.opcode == Opcode.text, !Self.accept(data, from: arrived?.checked ?? 0, into: &text) {
                    return fail(context: context, code: CloseCode.invalidPayload, Self.invalidText)
                }
                partial = (header.opcode, data, text)
            }
        case Opcode.continuation:
            guard var message = partial else {
                return fail(context: context, code: CloseCode.protocolError, "a continuation frame arrived with no fragmented message to continue")
            }
            partial = nil
            guard message.data.readableBytes + payload.readableBytes <= maxMessageBytes else {
                return fail(context: context, code: CloseCode.tooBig, "a fragmented message grew past the \(maxMessageBytes)-byte limit; start wsdev with a larger --max-message")
            }
            let checked = message.data.readableBytes + (arrived?.checked ?? 0)
            unmask(payload, key, into: &message.data)
            if message.opcode == Opcode.text {
                if let arrived { message.text = arrived.text }
                guard Self.accept(message.data, from: checked, into: &message.text), !header.fin || message.text.endsOnWholeCharacter else {
                    return fail(context: context, code: CloseCode.invalidPayload, Self.invalidText)
                }
            }
            if header.fin {
                deliver(context: context, opcode: message.opcode, data: message.data, checked: true)
            } else {
                partial = message
            }
        case Opcode.ping:
            send(context: context, opcode: Opcode.pong, unmasked(payload, key, context: context))
        case Opcode.pong:
            break
        default:
            fail(context: context, code: CloseCode.protocolError, "a frame used the reserved opcode \(header.opcode)")
        }
    }

    static let invalidText = "a text message was not valid UTF-8; send bytes as a binary message"

    /// Gives `text` the readable bytes of `data` from `offset` on; false once they make it invalid.
    private static func accept(_ data: ByteBuffer, from offset: Int, into text: inout UTF8Stream) -> Bool {
        data.withUnsafeReadableBytes { text.accept(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }

    /// Checks the text that has arrived of a frame still arriving, once per byte however many
    /// reads it takes (`handle` goes on from there when the frame is whole); false when it is
    /// already invalid.
    func checkArrivingText(_ header: FrameHeader, key: SIMD4<UInt8>, _ bytes: ByteBuffer) -> Bool {
        guard state == .open else { return true }
        if arrivingText == nil {
            if header.opcode == Opcode.text {
                arrivingText = (0, UTF8Stream())
            } else if header.opcode == Opcode.continuation, let partial, partial.opcode == Opcode.text {
                arrivingText = (0, partial.text)
            } else {
                return true
            }
        }
        guard var (checked, text) = arrivingText else { return true }
        let arrived = bytes.readableBytes - header.length
        guard arrived > checked, let fresh = bytes.getSlice(at: bytes.readerIndex + header.length + checked, length: arrived - checked) else {
            return true
        }
        // The mask continues where the checked bytes stopped.
        let shifted = SIMD4(key[checked & 3], key[(checked + 1) & 3], key[(checked + 2) & 3], key[(checked + 3) & 3])
        scratch.clear()
        unmask(fresh, shifted, into: &scratch)
        let valid = scratch.withUnsafeReadableBytes { text.accept($0) }
        checked = arrived
        arrivingText = (checked, text)
        return valid
    }

    private func deliver(context: ChannelHandlerContext, opcode: UInt8, data: ByteBuffer, checked: Bool = false) {
        if opcode == Opcode.text, !checked, !data.isValidUTF8 {
            return fail(context: context, code: CloseCode.invalidPayload, Self.invalidText)
        }
        let answer = endpoint.answer(opcode == Opcode.text ? .text : .binary, data)
        if let reply = answer.reply {
            send(context: context, opcode: UInt8(webSocketOpcode: reply.opcode), reply.data)
            if reply.fin { stats.countOut() }
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
    func checkAlive(context: ChannelHandlerContext) {
        guard state == .open else { return }
        if heard {
            heard = false
            var payload = context.channel.allocator.buffer(capacity: 8)
            payload.writeInteger(UInt64.random(in: .min ... .max))
            send(context: context, opcode: Opcode.ping, payload)
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

    /// _Fail the WebSocket Connection_ (§7.1.7): say why in the close frame and the log, then hang up.
    func fail(context: ChannelHandlerContext, code: UInt16, _ reason: String) {
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
        flush(context: context)
        context.close(promise: nil)
    }

    /// Writes this batch's frames and the close frame after them; only the first close is sent.
    private func sendClose(context: ChannelHandlerContext, code: UInt16, reason: String = "") -> EventLoopFuture<Void> {
        guard !closeSent else {
            flush(context: context)
            return context.eventLoop.makeSucceededVoidFuture()
        }
        closeSent = true
        // A close written after the peer vanished never arrives; the log should say 1006.
        if context.channel.isActive { stats.serverClosed(code: code) }
        var out = outgoing ?? context.channel.allocator.buffer(capacity: 4 + reason.utf8.count)
        outgoing = nil
        unflushed = false
        out.writeFrameHeader(opcode: Opcode.close, length: 2 + reason.utf8.count)
        out.writeInteger(code)
        out.writeString(reason)
        return context.writeAndFlush(wrapOutboundOut(out))
    }

    private func unmasked(_ payload: ByteBuffer, _ key: SIMD4<UInt8>, context: ChannelHandlerContext) -> ByteBuffer {
        var plain = context.channel.allocator.buffer(capacity: payload.readableBytes)
        unmask(payload, key, into: &plain)
        return plain
    }

    /// Appends `payload` XOR the key to `out`, in one pass.
    private func unmask(_ payload: ByteBuffer, _ key: SIMD4<UInt8>, into out: inout ByteBuffer) {
        let count = payload.readableBytes
        payload.withUnsafeReadableBytes { source in
            _ = out.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
                WebSocketMasking.apply(from: source, to: destination, key: key)
                return count
            }
        }
    }
}
