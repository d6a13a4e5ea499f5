import NIOCore
import NIOWebSocket

/// One client connection's work: send a message, wait for its echo, check every byte, send the
/// next (with `depth` messages in flight), answer pings, and close with a proper close handshake.
/// Frames arrive decoded by NIO's `WebSocketFrameDecoder`; fragmented messages are joined here.
/// Frames leave as bytes from `MaskedFrame`.
///
/// Lives on its channel's event loop; the coordinator reaches it through `NIOLoopBound`.
/// Results go to the loop's shared `LoopTally`; a failed run is counted there once and its
/// future fails with `RunFailed`, which callers need not count again.
final class EchoDriver: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = ByteBuffer

    /// The run failed; the reason is already in the tally.
    struct RunFailed: Error {
        let reason: String
    }

    struct Run: Sendable {
        /// Messages to send; `Int.max` sends until `stopSending`.
        var messages: Int
        var depth = 1
        var stopSending = NIODeadline.distantFuture
        /// Echoes of messages sent before this (warm-up) are checked but not counted.
        var windowStart = NIODeadline.distantPast
        /// Past this, whatever is still outstanding counts as an error and the connection closes.
        var giveUp: NIODeadline
    }

    private let payload: Payload
    private let tally: LoopTally
    private var random = FastRandom()
    private var context: ChannelHandlerContext?
    private var inFlight = CircularBuffer<(sequence: UInt64, sentAt: NIODeadline)>(initialCapacity: 4)
    private var nextSequence: UInt64 = 0
    private var run: Run?
    private var remaining = 0
    private var runDone: EventLoopPromise<Void>?
    private var giveUpTimer: Scheduled<Void>?
    private var closeSent = false
    /// Closes the TCP connection if the server does not; cancelled when it does, so that
    /// thousands of connections a second leave no timers behind (NIO cancels in O(timers)).
    private var closeTimer: Scheduled<Void>?
    private var needsFlush = false
    /// A fragmented message being joined: its opcode and the bytes so far.
    private var fragments: (opcode: WebSocketOpcode, data: ByteBuffer)?

    private let eventLoop: any EventLoop

    init(payload: Payload, tally: LoopTally, eventLoop: any EventLoop) {
        self.payload = payload
        self.tally = tally
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: commands (on the loop)

    func start(_ run: Run) -> EventLoopFuture<Void> {
        guard let context, context.channel.isActive, runDone == nil else {
            tally.error("connection not open when the run started")
            return eventLoop.makeFailedFuture(RunFailed(reason: "connection not open"))
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        self.run = run
        self.runDone = done
        remaining = run.messages
        let outstanding = inFlight.count
        giveUpTimer = eventLoop.assumeIsolated().scheduleTask(deadline: run.giveUp) { [self] in
            self.fail("gave up waiting: \(self.inFlight.count) echo(es) outstanding (\(outstanding) before the run)")
        }
        for _ in 0..<min(run.depth, remaining) { send(context) }
        flushIfNeeded(context)
        if remaining == 0 && inFlight.isEmpty { finishRun(nil) }
        return done.futureResult
    }

    /// Sends close 1000 and waits for the server to answer and drop the TCP connection (it closes
    /// first, so TIME_WAIT stays on its side); after `patience`, closes anyway.
    func close(patience: TimeAmount = .seconds(2)) -> EventLoopFuture<Void> {
        guard let context else { return eventLoop.makeSucceededVoidFuture() }
        let channel = context.channel
        if channel.isActive && !closeSent {
            closeSent = true
            var reason = channel.allocator.buffer(capacity: 2)
            reason.write(webSocketErrorCode: .normalClosure)
            context.writeAndFlush(wrapOutboundOut(control(.connectionClose, reason)), promise: nil)
            closeLater(channel, patience)
        } else if channel.isActive {
            channel.close(promise: nil)
        }
        return channel.closeFuture
    }

    // MARK: channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            if frame.fin && fragments == nil && frame.opcode != .continuation {
                echoed(opcode: frame.opcode, data: frame.data, masked: frame.maskKey != nil, context: context)
            } else {
                join(frame, context: context)
            }
        case .ping:
            context.write(wrapOutboundOut(control(.pong, frame.unmaskedData)), promise: nil)
            needsFlush = true
        case .connectionClose:
            serverClosed(frame, context: context)
        case .pong:
            break
        default:
            tally.mismatch("unexpected frame opcode \(frame.opcode)")
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closeTimer?.cancel()
        closeTimer = nil
        if runDone != nil { fail("connection closed with \(inFlight.count) echo(es) outstanding") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail("\(error)")
        context.close(promise: nil)
    }

    // MARK: the work

    /// Fragments of one message (RFC 6455 §5.4); a server may split an echo however it likes.
    private func join(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var data = frame.data
        if frame.opcode == .continuation {
            guard fragments != nil else {
                tally.mismatch("a continuation frame arrived with no message to continue")
                return
            }
            fragments!.data.writeBuffer(&data)
        } else {
            if fragments != nil { tally.mismatch("a new message began before the previous one ended") }
            fragments = (frame.opcode, data)
        }
        guard frame.fin, let whole = fragments else { return }
        fragments = nil
        echoed(opcode: whole.opcode, data: whole.data, masked: frame.maskKey != nil, context: context)
    }

    private func echoed(opcode: WebSocketOpcode, data: ByteBuffer, masked: Bool, context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        guard let sent = inFlight.popFirst(), let run else {
            tally.mismatch("a \(data.readableBytes)-byte message arrived that was never sent")
            return
        }
        tally.counts.echo(
            of: payload, sequence: sent.sequence, opcode: UInt8(webSocketOpcode: opcode), data: data, masked: masked,
            sentAt: sent.sentAt, now: now, timed: sent.sentAt >= run.windowStart && now <= run.stopSending)
        if remaining > 0 && now < run.stopSending {
            send(context)
        } else if inFlight.isEmpty {
            finishRun(nil)
        }
    }

    private func serverClosed(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var data = frame.unmaskedData
        let code = data.readInteger(as: UInt16.self)
        if runDone != nil { fail("server closed with \(code.map(String.init) ?? "no code") during the run") }
        if !closeSent {  // the server began the close: answer it (RFC 6455 §5.5.1)
            closeSent = true
            var reply = context.channel.allocator.buffer(capacity: 2)
            if let code { reply.writeInteger(code) }
            context.writeAndFlush(wrapOutboundOut(control(.connectionClose, reply)), promise: nil)
        }
        closeLater(context.channel, .seconds(1))
    }

    private func closeLater(_ channel: any Channel, _ patience: TimeAmount) {
        guard closeTimer == nil, channel.isActive else { return }
        closeTimer = channel.eventLoop.scheduleTask(in: patience) { channel.close(promise: nil) }
    }

    private func send(_ context: ChannelHandlerContext) {
        let sequence = nextSequence
        nextSequence += 1
        remaining -= 1
        let frame = payload.frame(sequence: sequence, key: UInt32(truncatingIfNeeded: random.next()), allocator: context.channel.allocator)
        inFlight.append((sequence, NIODeadline.now()))
        context.write(wrapOutboundOut(frame), promise: nil)
        needsFlush = true
    }

    private func control(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> ByteBuffer {
        var frame = ByteBuffer()
        MaskedFrame.write(opcode: opcode, key: UInt32(truncatingIfNeeded: random.next()), payload: data, into: &frame)
        return frame
    }

    private func flushIfNeeded(_ context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    private func finishRun(_ failure: String?) {
        giveUpTimer?.cancel()
        giveUpTimer = nil
        run = nil
        let done = runDone
        runDone = nil
        if let failure { done?.fail(RunFailed(reason: failure)) } else { done?.succeed() }
    }

    private func fail(_ reason: String) {
        guard runDone != nil else { return }
        tally.error(reason)
        inFlight.removeAll()
        remaining = 0
        finishRun(reason)
        context?.close(promise: nil)
    }
}
