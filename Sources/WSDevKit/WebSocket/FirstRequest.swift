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

    private let loop: LoopHandshake
    private let decode: Decode
    private var done = false

    init(_ loop: LoopHandshake, decode: @escaping Decode) {
        self.loop = loop
        self.decode = decode
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        done = true
        let bytes = unwrapInboundIn(data)
        guard let (head, length) = SimpleRequestHead.read(bytes) else { return handOver(context, replay: bytes, to: nil) }
        switch loop.decide(head, on: context.channel) {
        case .handOver(let read):
            handOver(context, replay: bytes, to: read)
        case .answer(let accepted, let upgrade, let key):
            // What came after the head: the client's first frames, if they came with the handshake.
            switchToWebSocket(context, accepted, upgrade: upgrade, key: key, frames: bytes.getSlice(at: bytes.readerIndex + length, length: bytes.readableBytes - length))
        }
    }

    private func switchToWebSocket(
        _ context: ChannelHandlerContext, _ accepted: Handshake.Accepted, upgrade: String, key: String, frames: ByteBuffer?
    ) {
        do {
            let session = try loop.answer(context, accepted, upgrade: upgrade, key: key)
            if let frames, frames.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(frames)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            loop.arrival.succeed(session)
        } catch {
            loop.arrival.fail(error)
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
                try loop.handOver(context.channel, read)
            } else {
                try decode(context.channel)
            }
            pipeline.removeHandler(context: context, promise: nil)
            if let bytes {
                pipeline.fireChannelRead(NIOAny(bytes))
                pipeline.fireChannelReadComplete()
            }
        } catch {
            loop.arrival.fail(error)
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
            loop.arrival.fail(ChannelError.eof)
        }
        context.fireChannelInactive()
    }
}
