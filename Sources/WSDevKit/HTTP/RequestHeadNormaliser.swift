import NIOCore
import NIOHTTP1

/// Says in HTTP/1.1 fields what a request head's version implied, before `HTTP1ToHTTPServerCodec`
/// turns it into an HTTPTypes request, which has no version.
///
/// Hummingbird ends a connection only after a request whose `Connection` is exactly `close`, so an
/// HTTP/1.0 request (persistent only with `keep-alive`, RFC 9112 §9.3) and `Connection: Close`
/// were answered and then kept open; such heads get `Connection: close`.
///
/// Sits behind `FastFileHandler`, which answers only persistent HTTP/1.1 requests and passes
/// every other on, so the event-loop answers never come through here.
final class RequestHeadNormaliser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive, head.headers["connection"] != ["close"] else {
            return context.fireChannelRead(data)
        }
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

@available(*, unavailable)
extension RequestHeadNormaliser: Sendable {}
