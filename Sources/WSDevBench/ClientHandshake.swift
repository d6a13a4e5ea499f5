import NIOCore

/// The client side of the opening handshake (RFC 6455 §4.1), written by hand: one request out,
/// one `101` in, `Sec-WebSocket-Accept` checked, then the frame handlers take over and this one
/// leaves the pipeline. Bytes that follow the response in the same read go on to the decoder.
///
/// Works on bytes, not Strings: in churn (a handshake per connection) a Foundation-based
/// version of this check cost a quarter of the generator's CPU.
final class ClientHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let request: ByteBuffer
    private let expectedAccept: [UInt8]
    private let installFrameHandlers: (ChannelPipeline.SynchronousOperations) throws -> Void
    private let finished: (Result<Void, any Error>) -> Void
    private var received: ByteBuffer?
    private var done = false
    /// A response head larger than this is not a WebSocket server talking.
    private static let maxHead = 16 * 1024

    init(
        target: BenchTarget,
        random: inout FastRandom,
        installFrameHandlers: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void,
        finished: @escaping (Result<Void, any Error>) -> Void
    ) {
        var accept = [UInt8](repeating: 0, count: HandshakeKey.acceptLength)
        var request = ByteBuffer()
        UpgradeRequest(target: target).write(into: &request, random: &random, accept: &accept)
        expectedAccept = accept
        self.request = request
        self.installFrameHandlers = installFrameHandlers
        self.finished = finished
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(request), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
        guard var buffer = received else { return }
        guard let end = buffer.readableBytesView.firstRange(of: [13, 10, 13, 10]) else {
            if buffer.readableBytes > Self.maxHead { fail(context, "response head over \(Self.maxHead) bytes") }
            return
        }
        let head = buffer.readBytes(length: end.upperBound - buffer.readerIndex) ?? []
        let problem = head.withUnsafeBytes { head in
            expectedAccept.withUnsafeBytes { UpgradeCheck.problem(head: head, expectedAccept: $0) }
        }
        if let problem {
            fail(context, problem)
            return
        }
        done = true
        received = nil
        do {
            try installFrameHandlers(context.pipeline.syncOperations)
        } catch {
            fail(context, "could not install the frame handlers: \(error)")
            return
        }
        if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        finished(.success(()))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { fail(context, "connection closed during the handshake") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done { fail(context, "\(error)") } else { context.fireErrorCaught(error) }
    }

    private func fail(_ context: ChannelHandlerContext, _ reason: String) {
        guard !done else { return }
        done = true
        finished(.failure(BenchError("handshake: \(reason)")))
        context.close(promise: nil)
    }
}
