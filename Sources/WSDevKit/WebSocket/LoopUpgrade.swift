import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Reads a connection's first request, when `FirstRequest` left it to NIO's decoder, before any
/// of NIO's HTTP server machinery is built.
///
/// In churn, building NIO's upgradable HTTP pipeline (response encoder, upgrade handler and their
/// futures) and tearing it down again for every WebSocket cost a large share of the server's CPU.
/// A handshake that `Handshake` accepts at once, for an `EventLoopEndpoint`, with no extension,
/// is answered here and handed to `LoopSession`. Anything else (HTTP, refusals, sessions that
/// WSCore runs, admissions that must wait) is replayed byte for byte into the standard pipeline,
/// with the handshake's decision passed along so that it is not made twice.
final class LoopUpgrade: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private enum State {
        case reading
        /// Accepted at the head; switches at the request's end.
        case accepting(Handshake.Accepted, upgrade: String, key: String)
        /// The standard pipeline takes over; parts still decoded here are in the replay.
        case handedOver
        /// A WebSocket now: what the decoder leaves over is the client's first frames.
        case switched
    }

    private let tap: RequestTap
    private let decoder: ByteToMessageHandler<HTTPRequestDecoder>
    private let loop: LoopHandshake
    private var state = State.reading
    /// The client half-closed before the standard pipeline took over; it is told once it has.
    private var inputClosed = false

    init(tap: RequestTap, decoder: ByteToMessageHandler<HTTPRequestDecoder>, _ loop: LoopHandshake) {
        self.tap = tap
        self.decoder = decoder
        self.loop = loop
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .switched:
            context.fireChannelRead(data)
        case .handedOver:
            break
        case .reading:
            guard case .head(let head) = unwrapInboundIn(data) else { return handOver(context, .undecided) }
            read(head, context: context)
        case .accepting(let accepted, let upgrade, let key):
            guard case .end = unwrapInboundIn(data) else { return handOver(context, .handshake(.decided(.accept(accepted)))) }
            switchToWebSocket(context, accepted, upgrade: upgrade, key: key)
        }
    }

    private func read(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        switch loop.decide(head, on: context.channel) {
        case .handOver(let read): handOver(context, read)
        case .answer(let accepted, let upgrade, let key): state = .accepting(accepted, upgrade: upgrade, key: key)
        }
    }

    private func switchToWebSocket(_ context: ChannelHandlerContext, _ accepted: Handshake.Accepted, upgrade: String, key: String) {
        state = .switched
        do {
            let session = try loop.answer(context, accepted, upgrade: upgrade, key: key)
            let pipeline = context.pipeline.syncOperations
            pipeline.removeHandler(tap, promise: nil)
            // The decoder hands what it has not decoded (the client's first frames) on to us, as
            // reads without the end of a read batch, which is when `LoopSession` flushes.
            pipeline.removeHandler(decoder).assumeIsolated().whenComplete { _ in
                context.fireChannelReadComplete()
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            }
            loop.arrival.succeed(session)
        } catch {
            loop.arrival.fail(error)
            context.close(promise: nil)
        }
    }

    /// Lets the standard pipeline read the connection from its first byte, once the decoder is out.
    private func handOver(_ context: ChannelHandlerContext, _ read: FirstRead) {
        state = .handedOver
        let channel = context.channel
        context.pipeline.syncOperations.removeHandler(decoder).assumeIsolated().whenComplete { [self] _ in
            guard channel.isActive else { return loop.arrival.fail(ChannelError.ioOnClosedChannel) }
            do {
                let pipeline = channel.pipeline.syncOperations
                let replay = tap.received
                pipeline.removeHandler(tap, promise: nil)
                pipeline.removeHandler(context: context, promise: nil)
                try loop.handOver(channel, read)
                if let replay {
                    pipeline.fireChannelRead(NIOAny(replay))
                    pipeline.fireChannelReadComplete()
                }
                if inputClosed { pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
            } catch {
                loop.arrival.fail(error)
                channel.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The standard pipeline meets the same malformed request on replay and answers it.
        switch state {
        case .reading:
            handOver(context, .undecided)
        case .accepting(let accepted, _, _):
            handOver(context, .handshake(.decided(.accept(accepted))))
        case .handedOver:
            break
        case .switched:
            context.fireErrorCaught(error)
        }
    }

    /// A client that half-closes early (a port probe, a health check) gets what the standard
    /// pipeline gives it, which is to be closed when it asked for nothing.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .inputClosed? = event as? ChannelEvent else { return context.fireUserInboundEventTriggered(event) }
        switch state {
        case .reading:
            inputClosed = true
            handOver(context, .undecided)
        case .accepting(let accepted, _, _):
            inputClosed = true
            handOver(context, .handshake(.decided(.accept(accepted))))
        case .handedOver:
            inputClosed = true
        case .switched:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .reading, .accepting:
            state = .handedOver
            loop.arrival.fail(ChannelError.eof)
        case .handedOver, .switched:
            break
        }
        context.fireChannelInactive()
    }
}
