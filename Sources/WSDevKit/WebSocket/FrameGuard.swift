import NIOCore
import NIOWebSocket

/// Sits between NIO's frame codec and a session that WSCore runs, enforcing what the library
/// leaves to us. (`LoopSession` reads frames itself and enforces the same rules.)
///
/// - Client frames must be masked (RFC 6455 §5.1): an unmasked one fails the connection with 1002.
/// - At most one close frame leaves the server, so a shutdown's 1001 is not followed by a 1000.
/// - Counts messages and records close codes for the access log.
/// - Unmasks payloads with `unmask(allocator:)` (NIO's own unmasking goes byte by byte).
final class FrameGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let stats: SessionStats
    private var closeSent = false
    private var failed = false

    init(stats: SessionStats) {
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var frame = unwrapInboundIn(data)
        guard frame.maskKey != nil else {
            failed = true
            stats.note(.protocolViolation("client sent an unmasked frame; RFC 6455 §5.1 requires clients to mask every frame"))
            let channel = context.channel
            sendClose(context: context, code: .protocolError, reason: "client frames must be masked")
                .whenComplete { _ in channel.close(promise: nil) }
            return
        }
        switch frame.opcode {
        case .text, .binary, .continuation:
            if frame.fin { stats.countIn() }
        case .connectionClose:
            var data = frame.unmaskedData
            stats.clientClosed(code: data.readInteger(as: UInt16.self))
        default:
            break
        }
        frame.unmask(allocator: context.channel.allocator)  // once, 8 bytes a step; WSCore's `unmaskedData` then costs nothing
        context.fireChannelRead(wrapInboundOut(frame))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        switch frame.opcode {
        case .connectionClose:
            guard !closeSent else {
                promise?.succeed()
                return
            }
            closeSent = true
            // A close written after the peer vanished never arrives; the log should say 1006.
            if context.channel.isActive {
                var payload = frame.data
                stats.serverClosed(code: payload.readInteger(as: UInt16.self))
            }
        case .text, .binary, .continuation:
            if frame.fin { stats.countOut() }
        default:
            break
        }
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is SessionRegistry.GoingAway else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        guard !closeSent else {
            promise?.succeed()
            return
        }
        sendClose(context: context, code: .goingAway, reason: "server shutting down").cascade(to: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's protocol error handler has already sent the matching close frame (1002, 1009).
        if let error = error as? NIOWebSocketError {
            closeSent = true
            stats.note(.protocolViolation("\(error)"))
            stats.serverClosed(code: error == .invalidFrameLength ? 1009 : 1002)
        }
        context.fireErrorCaught(error)
    }

    private func sendClose(context: ChannelHandlerContext, code: WebSocketErrorCode, reason: String) -> EventLoopFuture<Void> {
        var buffer = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        buffer.write(webSocketErrorCode: code)
        buffer.writeString(reason)
        closeSent = true
        stats.serverClosed(code: UInt16(webSocketErrorCode: code))
        return context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)))
    }
}
