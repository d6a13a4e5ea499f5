import NIOCore
import NIOHTTP1

/// Closes a keep-alive HTTP connection that has asked nothing for `timeout` since its last
/// answer, or whose client has read nothing of an answer for as long: neither may hold the
/// server's memory and descriptors for ever.
///
/// A request only bumps a counter: one timer per connection looks every quarter of the timeout
/// whether anything happened, so a connection closes between 1 and 1.25 timeouts after it went
/// quiet. Arming and cancelling a timer for each request was a measurable share of the static
/// fast path's work (Benchmarks/README).
final class IdleConnectionCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private static let looksPerTimeout = 4
    private let timeout: TimeAmount
    /// Requests whose answers have not been written to their end.
    private var unanswered = 0
    /// Bumped by every request head, finished answer and change of writability.
    private var activity = 0
    private var activityAtLastLook = 0
    private var quietLooks = 0
    private var timer: RepeatedTask?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let every = TimeAmount.nanoseconds(max(timeout.nanoseconds / Int64(Self.looksPerTimeout), 1_000_000))
        let bound = NIOLoopBound((closer: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
            bound.value.closer.look(bound.value.context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            unanswered += 1
            activity &+= 1
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), unanswered > 0 {
            unanswered -= 1
            activity &+= 1
        }
        context.write(data, promise: promise)
    }

    /// A request answered by a handler before this one (`FastFileHandler`), which it never sees.
    func requestAnsweredBefore() {
        activity &+= 1
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        activity &+= 1
        context.fireChannelWritabilityChanged()
    }

    private func look(_ context: ChannelHandlerContext) {
        guard activity == activityAtLastLook else {
            activityAtLastLook = activity
            quietLooks = 0
            return
        }
        quietLooks += 1
        // Still idle (nothing asked), or still stalled (nothing read by the client); an answer
        // the server is still making is not the client's fault.
        if quietLooks >= Self.looksPerTimeout, unanswered == 0 || !context.channel.isWritable {
            timer?.cancel()
            timer = nil
            context.close(promise: nil)
        }
    }
}
