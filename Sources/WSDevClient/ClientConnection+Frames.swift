import NIOCore
import WSWire

/// The server's frames: checked as RFC 6455 has a client check them (unmasked, no reserved bits
/// without an extension, whole small control frames, fragments in order, UTF-8 text), joined
/// into messages, and handed on as events.
extension ClientConnection {
    func readFrames(context: ChannelHandlerContext) {
        while isReading {
            let header: FrameHeader
            switch FrameHeader.parse(unread, maxPayload: maxMessage) {
            case .needMore:
                unread.discardReadBytes()
                return
            case .tooLong(let length):
                return fail(CloseCode.tooBig, "the server sent a frame of \(length) bytes, over this client's \(maxMessage >> 20) MiB limit", context: context)
            case .frame(let parsed):
                header = parsed
            }
            if let problem = Self.problem(with: header) { return fail(CloseCode.protocolError, problem, context: context) }
            guard unread.readableBytes >= header.length + header.payloadLength else { return }
            unread.moveReaderIndex(forwardBy: header.length)
            let payload = unread.readBytes(length: header.payloadLength) ?? []
            handle(header, payload, context: context)
        }
        unread.clear()
    }

    private var isReading: Bool {
        switch state {
        case .open, .closing: return closeReceived == nil && failure == nil
        default: return false
        }
    }

    static func problem(with header: FrameHeader) -> String? {
        if header.maskKey != nil { return "the server masked a frame; RFC 6455 §5.1 says servers must not" }
        if header.reservedBits != 0 { return "the server set reserved bits, but no extension was agreed" }
        switch header.opcode {
        case FrameHeader.continuation, FrameHeader.text, FrameHeader.binary: return nil
        case FrameHeader.close, FrameHeader.ping, FrameHeader.pong:
            if !header.fin { return "the server fragmented a control frame" }
            if header.payloadLength > 125 { return "the server sent a control frame over 125 bytes" }
            return nil
        default:
            return "the server sent a frame with the reserved opcode \(header.opcode)"
        }
    }

    private func handle(_ header: FrameHeader, _ payload: [UInt8], context: ChannelHandlerContext) {
        switch header.opcode {
        case FrameHeader.text, FrameHeader.binary:
            guard partial == nil else { return fail(CloseCode.protocolError, "the server began a new message before finishing the last one", context: context) }
            partial = (header.opcode, [], UTF8Stream())
            append(payload, fin: header.fin, context: context)
        case FrameHeader.continuation:
            guard partial != nil else { return fail(CloseCode.protocolError, "the server sent a continuation frame with no message to continue", context: context) }
            append(payload, fin: header.fin, context: context)
        case FrameHeader.ping:
            send(opcode: FrameHeader.pong, payload, context: context)
            events.yield(.ping(payload))
        case FrameHeader.pong:
            events.yield(.pong(payload))
        default:
            receivedClose(payload, context: context)
        }
    }

    private func append(_ payload: [UInt8], fin: Bool, context: ChannelHandlerContext) {
        guard var message = partial else { return }
        partial = nil
        if message.opcode == FrameHeader.text {
            let valid = payload.withUnsafeBytes { message.text.accept($0) }
            guard valid, !fin || message.text.endsOnWholeCharacter else {
                return fail(CloseCode.invalidPayload, "the server sent text that is not valid UTF-8", context: context)
            }
        }
        guard message.data.count + payload.count <= maxMessage else {
            return fail(CloseCode.tooBig, "the server sent a message over this client's \(maxMessage >> 20) MiB limit", context: context)
        }
        message.data += payload
        guard fin else {
            partial = message
            return
        }
        let whole: ClientMessage = message.opcode == FrameHeader.text ? .text(String(decoding: message.data, as: UTF8.self)) : .binary(message.data)
        events.yield(.message(whole))  // after our close frame too: the server may still be sending
    }

    /// The server's close frame: answered with its code when it began the closing, then the
    /// connection ends once the answer is written (RFC 6455 §7.1.1 lets the client hang up then).
    private func receivedClose(_ payload: [UInt8], context: ChannelHandlerContext) {
        var code: UInt16 = 1005
        var reason = ""
        if payload.count == 1 { return fail(CloseCode.protocolError, "the server sent a close frame of one byte", context: context) }
        if payload.count >= 2 {
            code = UInt16(payload[0]) << 8 | UInt16(payload[1])
            guard CloseCode.isSendable(code) else { return fail(CloseCode.protocolError, "the server closed with \(code), which a close frame may not carry", context: context) }
            guard let text = String(validating: payload[2...], as: UTF8.self) else {
                return fail(CloseCode.invalidPayload, "the server's close reason is not valid UTF-8", context: context)
            }
            reason = text
        }
        closeReceived = (code, reason)
        closeTimer?.cancel()
        if case .open = state {
            state = .closing
            initiator = .server
            closeSent = (code == 1005 ? CloseCode.normal : code, "")
            var buffer = context.channel.allocator.buffer(capacity: 8)
            ClientFrame.write(opcode: FrameHeader.close, payload: code == 1005 ? [] : ClientFrame.closePayload(code: code, reason: ""), into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    /// The server broke a rule: close with the code that says which, and hang up.
    func fail(_ code: UInt16, _ reason: String, context: ChannelHandlerContext) {
        guard failure == nil else { return }
        failure = (code, reason)
        partial = nil
        if case .open = state {
            initiator = .client
            closeSent = (code, reason)
            var buffer = context.channel.allocator.buffer(capacity: 130)
            ClientFrame.write(opcode: FrameHeader.close, payload: ClientFrame.closePayload(code: code, reason: reason), into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
        state = .closing
    }
}
