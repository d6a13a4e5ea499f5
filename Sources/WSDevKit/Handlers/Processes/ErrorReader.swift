import NIOCore

/// A handler process's standard error, a line at a time, to its process (and so to the log). A
/// line over `limit` goes on in pieces of `limit` bytes: a log line is worth keeping however long.
/// Lines are cut here rather than by a `ByteToMessageHandler` in front: one handler less to build
/// for every process started (script handlers start one per connection).
final class ErrorReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    static let limit = 64 << 10

    private let process: NIOLoopBound<PipedProcess>
    private var lines = LineSplitter()

    init(_ process: NIOLoopBound<PipedProcess>) {
        self.process = process
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lines.append(unwrapInboundIn(data))
        while true {
            do {
                guard let line = try lines.nextLine(limit: Self.limit) else { break }
                log(line)
            } catch {
                log(lines.piece(limit: Self.limit))
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)  // the pipe broke: nothing more to log
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let last = lines.rest() { log(last) }
        process.value.errorChannelEnded()
        context.fireChannelInactive()
    }

    private func log(_ line: ByteBuffer) {
        process.value.logged(String(decoding: line.readableBytesView, as: UTF8.self))
    }
}
