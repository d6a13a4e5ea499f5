import NIOCore

/// Keeps every byte a connection sends until `LoopUpgrade` has read the first request, so that a
/// request it does not answer itself reaches the standard HTTP pipeline exactly as it arrived.
final class RequestTap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private(set) var received: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if received == nil {
            received = bytes
        } else {
            var copy = bytes
            received!.writeBuffer(&copy)
        }
        context.fireChannelRead(data)
    }
}
