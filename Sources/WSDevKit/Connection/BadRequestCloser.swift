import Logging
import NIOCore
import NIOHTTP1

/// Answers a connection's first request that NIO's decoder cannot parse with 400, and ends the
/// connection: before a request head has been read there is no HTTP session to do it, and the
/// client waited for ever. (NIO's `HTTPServerProtocolErrorHandler` would answer too, but it
/// tracks responses through the pipeline, and the static fast path writes past it.) A later
/// request's parse error ends the HTTP session, which closes the connection. Requests the static
/// fast path answered never reach this handler: after only those, nothing is owed to the client
/// either, and a parse error is answered here the same way.
final class BadRequestCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let accessLog: Logger
    private var sawRequest = false

    init(accessLog: Logger) {
        self.accessLog = accessLog
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sawRequest = true
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !sawRequest, let error = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        let address = context.channel.remoteAddress
        accessLog.notice(
            "HTTP 400 for \(address?.ipAddress ?? "?"):\(address?.port ?? 0): the request is not valid HTTP/1.1 (\(error)); the client must send a well-formed request")
        // Written from the HTTP encoder's place, so as bytes straight to the socket.
        let answer = ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        if let below = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) {
            let channel = context.channel
            below.writeAndFlush(NIOAny(answer)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }
}
