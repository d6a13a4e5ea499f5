import NIOCore
import WSWire

/// What `WebSocketSession` does with each frame it reads (RFC 6455 §5.4-5.6, RFC 7692 §6).
extension WebSocketSession {
    private typealias Opcode = FrameHeader
    private static let compressedBit: UInt8 = 0x40

    /// What the header of a masked client frame shows to be wrong with it.
    func violation(in header: FrameHeader) -> (UInt16, String)? {
        if header.isControl {
            guard header.fin else {
                return (CloseCode.protocolError, "a control frame (opcode \(header.opcode)) was fragmented; RFC 6455 §5.5 forbids it")
            }
            guard header.payloadLength <= 125 else {
                return (CloseCode.protocolError, "a control frame (opcode \(header.opcode)) carried \(header.payloadLength) bytes; RFC 6455 §5.5 allows 125")
            }
        }
        guard header.reservedBits != 0, state == .open else { return nil }
        let startsMessage = header.opcode == Opcode.text || header.opcode == Opcode.binary
        if header.reservedBits == Self.compressedBit, deflate != nil, startsMessage { return nil }
        return (CloseCode.protocolError, deflate == nil
            ? "a frame had reserved bits set, but no extension was negotiated"
            : "a frame had reserved bits set that permessage-deflate does not allow there (RFC 7692 §6)")
    }

    /// One whole frame; `payload` is still masked with `key`.
    func handle(_ header: FrameHeader, key: SIMD4<UInt8>, _ payload: ByteBuffer, context: ChannelHandlerContext) {
        // What of this frame's text was checked while it arrived is not checked again.
        let arrived = arrivingText
        arrivingText = nil
        switch header.opcode {
        case Opcode.close:
            return closeFrame(unmasked(payload, key, context: context), context: context)
        case Opcode.ping:
            let plain = unmasked(payload, key, context: context)
            report(inbound: true, .ping, plain)
            if state == .open, !closeSent {
                report(inbound: false, .pong, plain)
                writeFrame(context: context, opcode: Opcode.pong, plain)
            }
            return
        case Opcode.pong:
            // Unmasked only for the console: a pong's content is otherwise of no interest.
            if framesWatched { report(inbound: true, .pong, unmasked(payload, key, context: context)) }
            return
        default:
            break
        }
        if header.fin, !header.isControl { stats.countIn() }  // counted even when not answered
        guard state == .open else { return }  // after our close frame only the peer's close matters
        switch header.opcode {
        case Opcode.text, Opcode.binary:
            guard partial == nil else {
                return fail(context: context, code: CloseCode.protocolError, "a new message began before the fragmented one before it was finished")
            }
            let compressed = header.reservedBits == Self.compressedBit
            if header.fin, !compressed {
                scratch.clear()
                unmask(payload, key, into: &scratch)
                if let arrived {
                    var text = arrived.text
                    guard Self.accept(scratch, from: arrived.checked, into: &text), text.endsOnWholeCharacter else {
                        return fail(context: context, code: CloseCode.invalidPayload, Self.invalidText)
                    }
                }
                return deliver(context: context, opcode: header.opcode, data: scratch, checked: arrived != nil)
            }
            var message = (opcode: header.opcode, data: context.channel.allocator.buffer(capacity: compressed ? 0 : payload.readableBytes * 2), compressed: compressed, text: arrived?.text ?? UTF8Stream())
            append(payload, key: key, to: &message, checkedBefore: arrived?.checked ?? 0, last: header.fin, context: context)
        case Opcode.continuation:
            guard var message = partial else {
                return fail(context: context, code: CloseCode.protocolError, "a continuation frame arrived with no fragmented message to continue")
            }
            partial = nil
            if let arrived { message.text = arrived.text }
            append(payload, key: key, to: &message, checkedBefore: arrived.map { $0.checked } ?? 0, last: header.fin, context: context)
        default:
            fail(context: context, code: CloseCode.protocolError, "a frame used the reserved opcode \(header.opcode)")
        }
    }

    /// Adds one frame of a fragmented (or compressed) message, checks what it can, and delivers
    /// the message after its last frame.
    private func append(
        _ payload: ByteBuffer, key: SIMD4<UInt8>, to message: inout (opcode: UInt8, data: ByteBuffer, compressed: Bool, text: UTF8Stream),
        checkedBefore: Int, last: Bool, context: ChannelHandlerContext
    ) {
        let start = message.data.readableBytes
        var checkFrom = start + checkedBefore
        if message.compressed, let deflate {
            scratch.clear()
            unmask(payload, key, into: &scratch)
            do {
                try deflate.inflate(scratch, into: &message.data, limit: maxMessageBytes, last: last)
            } catch .tooBig {
                return fail(context: context, code: CloseCode.tooBig, "a compressed message inflated past the \(maxMessageBytes)-byte limit; start wsdev with a larger --max-message")
            } catch {
                return fail(context: context, code: CloseCode.invalidPayload, "a compressed message was not valid deflate data (RFC 7692)")
            }
            checkFrom = start
        } else {
            guard message.data.readableBytes + payload.readableBytes <= maxMessageBytes else {
                return fail(context: context, code: CloseCode.tooBig, "a fragmented message grew past the \(maxMessageBytes)-byte limit; start wsdev with a larger --max-message")
            }
            unmask(payload, key, into: &message.data)
        }
        if message.opcode == Opcode.text {
            guard Self.accept(message.data, from: checkFrom, into: &message.text), !last || message.text.endsOnWholeCharacter else {
                return fail(context: context, code: CloseCode.invalidPayload, Self.invalidText)
            }
        }
        if last {
            deliver(context: context, opcode: message.opcode, data: message.data, checked: true)
        } else {
            partial = message
        }
    }

    static let invalidText = "a text message was not valid UTF-8; send bytes as a binary message"

    /// Gives `text` the readable bytes of `data` from `offset` on; false once they make it invalid.
    private static func accept(_ data: ByteBuffer, from offset: Int, into text: inout UTF8Stream) -> Bool {
        data.withUnsafeReadableBytes { text.accept(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }

    /// Checks the text that has arrived of an uncompressed frame still arriving, once per byte
    /// however many reads it takes (`handle` goes on from there); false when already invalid.
    func checkArrivingText(_ header: FrameHeader, key: SIMD4<UInt8>, _ bytes: ByteBuffer) -> Bool {
        guard state == .open, header.reservedBits == 0 else { return true }
        if arrivingText == nil {
            if header.opcode == Opcode.text {
                arrivingText = (0, UTF8Stream())
            } else if header.opcode == Opcode.continuation, let partial, partial.opcode == Opcode.text, !partial.compressed {
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

    private func deliver(context: ChannelHandlerContext, opcode: UInt8, data: ByteBuffer, checked: Bool) {
        if opcode == Opcode.text, !checked, !data.isValidUTF8 {
            return fail(context: context, code: CloseCode.invalidPayload, Self.invalidText)
        }
        stats.countBytesIn(data.readableBytes)
        report(inbound: true, opcode == Opcode.text ? .text : .binary, data)
        delegate?.received(WebSocketMessage(opcode == Opcode.text ? .text : .binary, data))
    }

    func unmasked(_ payload: ByteBuffer, _ key: SIMD4<UInt8>, context: ChannelHandlerContext) -> ByteBuffer {
        var plain = context.channel.allocator.buffer(capacity: payload.readableBytes)
        unmask(payload, key, into: &plain)
        return plain
    }

    /// Appends `payload` XOR the key to `out`, in one pass.
    func unmask(_ payload: ByteBuffer, _ key: SIMD4<UInt8>, into out: inout ByteBuffer) {
        let count = payload.readableBytes
        payload.withUnsafeReadableBytes { source in
            _ = out.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
                WebSocketMasking.apply(from: source, to: destination, key: key)
                return count
            }
        }
    }
}
