import NIOCore

/// A handler process's standard error, a line at a time, to its process (and so to the log). A
/// line over `limit` goes on in pieces of `limit` bytes: a log line is worth keeping however long.
/// Lines are cut here rather than by a `ByteToMessageHandler` in front: one handler less to build
/// for every process started (script handlers start one per connection).
final class ErrorReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    static let limit = 64 << 10

    private let process: NIOLoopBound<PipedProcess>
    private var partial: ByteBuffer?
    private var scanned = 0

    init(_ process: NIOLoopBound<PipedProcess>) {
        self.process = process
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var start = partial {
            partial = nil
            start.writeBuffer(&bytes)
            bytes = start
        }
        while true {
            do {
                guard let line = try LineSplitter.nextLine(in: &bytes, scanned: &scanned, limit: Self.limit) else { break }
                log(line)
            } catch {
                scanned = 0
                log(bytes.readSlice(length: Self.limit)!)
            }
        }
        if bytes.readableBytes > 0 { partial = bytes }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)  // the pipe broke: nothing more to log
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A last line without "\n" still counts.
        if let last = partial, last.readableBytes > 0 { log(last) }
        partial = nil
        process.value.errorChannelEnded()
        context.fireChannelInactive()
    }

    private func log(_ line: ByteBuffer) {
        process.value.logged(String(decoding: line.readableBytesView, as: UTF8.self))
    }
}
