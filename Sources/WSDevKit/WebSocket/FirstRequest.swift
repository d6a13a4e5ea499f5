import NIOCore
import NIOHTTP1

/// The one handler a new connection starts with.
///
/// A plain handshake (`SimpleRequestHead`) that `Handshake` accepts at once for an
/// `EventLoopEndpoint`, with no extension, is answered here and handed to `LoopSession`: no HTTP
/// decoder is built for it. A handshake decided otherwise goes to the standard pipeline with its
/// decision; anything else (HTTP requests, heads cut over reads, anything unusual) to
/// `LoopUpgrade` behind NIO's decoder, which reads it as it did before this handler existed.
/// Either way the bytes are replayed as they arrived.
final class FirstRequest: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Installs `RequestTap`, NIO's decoder and `LoopUpgrade` at the end of the channel's pipeline.
    typealias Decode = (any Channel) throws -> Void

    private let handshake: Handshake
    private let sessions: SessionRunner
    private let negotiated: EventLoopPromise<UpgradeChannel.Negotiated>
    private let decode: Decode
    private let standard: LoopUpgrade.Fallback
    private var done = false

    init(
        handshake: Handshake, sessions: SessionRunner, negotiated: EventLoopPromise<UpgradeChannel.Negotiated>,
        decode: @escaping Decode, standard: @escaping LoopUpgrade.Fallback
    ) {
        self.handshake = handshake
        self.sessions = sessions
        self.negotiated = negotiated
        self.decode = decode
        self.standard = standard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        done = true
        var bytes = unwrapInboundIn(data)
        guard let (head, length) = SimpleRequestHead.read(bytes) else { return handOver(context, replay: bytes, to: nil) }
        guard let upgrade = SwitchingProtocols.upgradeToken(head) else { return handOver(context, replay: bytes, to: .http) }
        let progress = handshake.begin(head, remote: context.channel.remoteAddress, local: context.channel.localAddress)
        guard let (accepted, key) = SwitchingProtocols.onLoop(progress, head) else {
            return handOver(context, replay: bytes, to: .handshake(progress))
        }

        context.writeAndFlush(
            wrapOutboundOut(SwitchingProtocols.response(accepted, upgrade: upgrade, key: key, allocator: context.channel.allocator)), promise: nil)
        do {
            let session = try sessions.attach(context.channel, accepted: accepted)
            bytes.moveReaderIndex(forwardBy: length)
            // The client's first frames, if they came with the handshake.
            if bytes.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(bytes)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            negotiated.succeed(session)
        } catch {
            negotiated.fail(error)
            context.close(promise: nil)
        }
    }

    /// Steps aside for `LoopUpgrade` (nothing read) or the standard pipeline (told what was read
    /// here, so that it is not decided twice), and replays what came.
    private func handOver(_ context: ChannelHandlerContext, replay bytes: ByteBuffer?, to read: FirstRead?) {
        done = true
        let pipeline = context.pipeline.syncOperations
        do {
            if let read {
                negotiated.completeWith(try standard(context.channel, read))
            } else {
                try decode(context.channel)
            }
            pipeline.removeHandler(context: context, promise: nil)
            if let bytes {
                pipeline.fireChannelRead(NIOAny(bytes))
                pipeline.fireChannelReadComplete()
            }
        } catch {
            negotiated.fail(error)
            context.close(promise: nil)
        }
    }

    /// A client that half-closes (or fails) before sending anything meets `LoopUpgrade`, which
    /// knows what to do with it.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard !done else { return context.fireUserInboundEventTriggered(event) }
        handOver(context, replay: nil, to: nil)
        context.pipeline.syncOperations.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            negotiated.fail(ChannelError.eof)
        }
        context.fireChannelInactive()
    }
}
