import NIOCore
import NIOHTTP1

/// Says in HTTP/1.1 fields what a request head's version implied, before `HTTP1ToHTTPServerCodec`
/// turns it into an HTTPTypes request, which has no version.
///
/// Hummingbird ends a connection only after a request whose `Connection` is exactly `close`, so an
/// HTTP/1.0 request (persistent only with `keep-alive`, RFC 9112 §9.3) and `Connection: Close`
/// were answered and then kept open; such heads get `Connection: close`. An HTTP/1.0 request may
/// come without `Host`: it is given the address it came to, as RFC 9112 §3.3 reconstructs its
/// target, so the Host check serves it while refusing HTTP/1.1 without one.
///
/// Sits behind `FastFileHandler`, which answers only persistent HTTP/1.1 requests and passes
/// every other on, so the event-loop answers never come through here.
final class RequestHeadNormaliser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data), let restated = Self.restated(head, on: context.channel) else {
            return context.fireChannelRead(data)
        }
        context.fireChannelRead(wrapInboundOut(.head(restated)))
    }

    /// nil when `head` already says all it means, as nearly every head does.
    private static func restated(_ head: HTTPRequestHead, on channel: any Channel) -> HTTPRequestHead? {
        let closes = !head.isKeepAlive && head.headers["connection"] != ["close"]
        let needsHost = head.version == .http1_0 && !head.headers.contains(name: "host")
        guard closes || needsHost else { return nil }
        var head = head
        if closes { head.headers.replaceOrAdd(name: "Connection", value: "close") }
        if needsHost, let local = channel.localAddress, let ip = local.ipAddress {
            head.headers.add(name: "Host", value: local.protocol == .inet6 ? "[\(ip)]:\(local.port ?? 0)" : "\(ip):\(local.port ?? 0)")
        }
        return head
    }
}

@available(*, unavailable)
extension RequestHeadNormaliser: Sendable {}
