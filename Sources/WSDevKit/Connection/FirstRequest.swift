import Foundation
import NIOCore
import NIOHTTP1

/// The one handler a new connection starts with: it reads the first request's head from the
/// bytes (`RequestHead`), asks `Verdict` what the connection is, and builds that route.
///
/// The head must arrive within `headTimeout` (408 otherwise; `HeadDeadlines` keeps the time) and
/// fit `RequestHead.maxLength` (431), so a client that trickles a head or sends an endless one
/// holds nothing for long.
final class FirstRequest: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case reading
        /// The endpoint is deciding; the connection is not read meanwhile.
        case admitting
        case done
    }

    private let route: ConnectionPipeline
    private var state = State.reading
    private var received: ByteBuffer?
    private var context: ChannelHandlerContext?
    private var readHeld = false

    init(_ route: ConnectionPipeline) {
        self.route = route
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        route.headDeadlines?.add(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Whether the head is still awaited: false once it came, or the connection went.
    var waitsForHead: Bool {
        guard case .reading = state, let context else { return false }
        return context.channel.isActive
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .reading = state else { return context.fireChannelRead(data) }
        var bytes = unwrapInboundIn(data)
        if received != nil { received!.writeBuffer(&bytes) } else { received = bytes }
        if received!.readableBytesView.first == TLSRecord.handshake {
            return refuseTLS(context)
        }
        switch RequestHead.read(received!) {
        case .incomplete:
            return
        case .tooLarge:
            end(context, UpgradeRefusal(status: .requestHeaderFieldsTooLarge, message: "The request head is over \(RequestHead.maxLength / 1024) KiB; the connection is closed."))
        case .invalid(let why):
            end(context, .badRequest("the request is not valid HTTP/1.1 (\(why)); the client must send a well-formed request"))
        case .complete(let head, let length):
            follow(Verdict.of(head, handshake: route.handshake, channel: context.channel), head: head, context: context, headLength: length)
        }
    }

    private func follow(_ verdict: Verdict, head: HTTPRequestHead, context: ChannelHandlerContext, headLength: Int) {
        switch verdict {
        case .http:
            state = .done
            do {
                try route.installHTTP(on: context.channel)
                replay(context, from: 0)
            } catch {
                context.close(promise: nil)
            }
        case .upgrade(let accepted, let key, let token):
            state = .done
            guard context.channel.isActive else { return accepted.endpoint.abandon(accepted.info) }
            do {
                // The endpoint has the connection before the client can know it was accepted: a
                // broadcast room's new member, flushed out first, could miss what the room said
                // while its thread waited to run again.
                context.write(wrapOutboundOut(SwitchingProtocols.response(accepted, upgrade: token, key: key, allocator: context.channel.allocator)), promise: nil)
                try route.sessions.attach(context.channel, accepted: accepted)
                context.flush()
                replay(context, from: headLength)
            } catch {
                accepted.endpoint.abandon(accepted.info)
                context.close(promise: nil)
            }
        case .admit(let pending, let key, let token):
            state = .admitting
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            let handshake = route.handshake
            Task {
                let decision = await handshake.finish(pending)
                loop.execute {
                    let (reader, context) = bound.value
                    guard context.channel.isActive else {
                        if case .accept(let accepted) = decision { accepted.endpoint.abandon(accepted.info) }
                        return
                    }
                    let held = reader.readHeld
                    reader.readHeld = false
                    switch decision {
                    case .accept(let accepted): reader.follow(.upgrade(accepted, key: key, token: token), head: head, context: context, headLength: headLength)
                    case .refuse(let refusal): reader.follow(.refuse(refusal), head: head, context: context, headLength: headLength)
                    }
                    // Through the whole pipeline: this handler has stepped aside by now.
                    if held { context.channel.read() }
                }
            }
        case .refuse(let refusal):
            report(refusal, head: head, channel: context.channel)
            end(context, refusal, kind: "WS   refused")
        }
    }

    private func report(_ refusal: UpgradeRefusal, head: HTTPRequestHead, channel: any Channel) {
        let path = String(RequestTarget.split(head.uri).path)
        guard !ReservedPaths.contains(path) else { return }
        let address = channel.remoteAddress
        route.events.publish(.problems, .refused(SocketEvent.Refused(
            path: path, remote: "\(address?.ipAddress ?? "?"):\(address?.port ?? 0)", origin: head.headers.first(name: "origin"),
            status: Int(refusal.status.code), reason: refusal.message, at: Date())))
    }

    /// Steps aside and hands on what came after `offset` (all of it for HTTP; the client's first
    /// frames, if they came with its handshake).
    private func replay(_ context: ChannelHandlerContext, from offset: Int) {
        let rest = received.flatMap { $0.getSlice(at: $0.readerIndex + offset, length: $0.readableBytes - offset) }
        received = nil
        let pipeline = context.pipeline.syncOperations
        pipeline.removeHandler(context: context, promise: nil)
        if let rest, rest.readableBytes > 0 {
            pipeline.fireChannelRead(NIOAny(rest))
            pipeline.fireChannelReadComplete()
        }
    }

    /// A `wss://` or `https://` address aimed at this plain port: the client speaks TLS, so an
    /// HTTP answer would be noise to it; the log says what happened, and the connection ends.
    private func refuseTLS(_ context: ChannelHandlerContext) {
        state = .done
        received = nil
        let address = context.channel.remoteAddress
        route.accessLog.notice("TLS  from \(address?.ipAddress ?? "?"):\(address?.port ?? 0): \(TLSRecord.advice)")
        context.close(promise: nil)
    }

    private func end(_ context: ChannelHandlerContext, _ refusal: UpgradeRefusal, kind: String = "HTTP") {
        state = .done
        received = nil
        PlainAnswer.send(refusal, on: context.channel, log: route.accessLog, kind: kind)
    }

    /// Nothing more is read while the endpoint decides: frames sent early wait in the kernel.
    func read(context: ChannelHandlerContext) {
        if case .admitting = state { readHeld = true } else { context.read() }
    }

    /// A client that half-closes before its request is whole can ask nothing more.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .reading = state, case .inputClosed? = event as? ChannelEvent else { return context.fireUserInboundEventTriggered(event) }
        state = .done
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension TimeAmount {
    /// Whole seconds, for messages.
    var seconds: Int64 { nanoseconds / 1_000_000_000 }
}

extension FirstRequest {
    /// The head timeout passed before the request head was read.
    func headTimedOut() {
        guard let context else { return }
        end(context, UpgradeRefusal(status: .requestTimeout, message: "The request head did not arrive within \(route.headTimeout.seconds) s; the connection is closed. (--head-timeout sets the limit.)"))
    }
}
