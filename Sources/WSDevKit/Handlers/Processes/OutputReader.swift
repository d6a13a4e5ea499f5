import NIOCore

/// The process's standard output, read only while its owner takes it. Lines are cut here, from
/// each read as it comes (`LineSplitter`), rather than by a `ByteToMessageHandler` in
/// front: that handler and the hop after it were a sixth of a script handler's work per message
/// (Benchmarks/README, "What limits wsdev", 7).
final class OutputReader: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Never

    /// Until the process is stopped (see `PipedProcess.owner` for why not weak).
    var process: PipedProcess?
    /// Set when the output is lines of at most this many bytes; nil when a framing handler in
    /// front of this one delivers whole records.
    var lineLimit: Int?
    private var lines = LineSplitter()
    private var held = false
    private var ended = false
    private var context: ChannelHandlerContext?

    var paused = false {
        didSet {
            guard !paused, held, let context else { return }
            held = false
            context.read()
        }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let limit = lineLimit else {
            process?.owner?.processPrinted(bytes)
            return
        }
        lines.append(bytes)
        do {
            while !ended, let line = try lines.nextLine(limit: limit) {
                process?.owner?.processPrinted(line)
            }
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        process?.owner?.processPrintedBatch()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if paused { held = true } else { context.read() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(tooLong: error is LineSplitter.TooLong)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { end(tooLong: false) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(tooLong: false)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { process?.inputWritable() }
        context.fireChannelWritabilityChanged()
    }

    private func end(tooLong: Bool) {
        guard !ended else { return }
        // A last line without "\n" still counts.
        let last = lines.rest()  // dropped after a line over the limit
        if !tooLong, let last {
            process?.owner?.processPrinted(last)
        }
        ended = true
        process?.owner?.processOutputEnded(tooLong: tooLong)
    }
}
