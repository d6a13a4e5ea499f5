import Foundation
import NIOCore
import WSWire

/// One client WebSocket on its event loop: the opening handshake (with a refusal's body kept, since
/// wsdev says there why it refused), then frames both ways, pings answered, and both ways of closing.
final class ClientConnection: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ClientCommand
    typealias OutboundOut = ByteBuffer

    enum State {
        case handshaking
        /// A refusal's head has arrived; its body is being read.
        case refused(HandshakeResponse, bodyLength: Int?)
        case open
        /// Our close frame is out; the server's answer is awaited.
        case closing
        case closed
    }

    let request: ClientRequest
    let key: String
    let opened: EventLoopPromise<ClientHandshake>
    let events: AsyncStream<ClientEvent>.Continuation
    /// How long the server has to answer our close frame before the connection is dropped.
    let closeTimeout: TimeAmount
    let maxMessage: Int
    var state = State.handshaking
    var unread = ByteBuffer()
    /// A fragmented message so far: its opcode, its bytes, and for text the UTF-8 check.
    var partial: (opcode: UInt8, data: [UInt8], text: UTF8Stream)?
    var closeSent: (code: UInt16, reason: String)?
    var closeReceived: (code: UInt16, reason: String)?
    var initiator = ClientClose.Initiator.neither
    /// Why the connection ended without a close frame from the server, for the 1006.
    var lostBecause: String?
    /// The rule the server broke, and the code our close frame gave for it.
    var failure: (code: UInt16, reason: String)?
    var closeTimer: Scheduled<Void>?
    let handshakeTimeout: TimeAmount
    var handshakeTimer: Scheduled<Void>?

    init(request: ClientRequest, key: String, opened: EventLoopPromise<ClientHandshake>, events: AsyncStream<ClientEvent>.Continuation,
         closeTimeout: TimeAmount = .seconds(5), handshakeTimeout: TimeAmount = .seconds(10), maxMessage: Int = 64 << 20) {
        self.handshakeTimeout = handshakeTimeout
        self.request = request
        self.key = key
        self.opened = opened
        self.events = events
        self.closeTimeout = closeTimeout
        self.maxMessage = maxMessage
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request.text(key: key))), promise: nil)
        // A server that accepts the connection and then says nothing must not hold the user forever.
        let timeout = handshakeTimeout
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            switch state {
            case .handshaking:
                failHandshake(context, "the server accepted the connection but did not answer the handshake within \(timeout.nanoseconds / 1_000_000_000) s; is this a WebSocket server?")
            case .refused(let response, _):
                failHandshake(context, Self.refusal(response, body: unread.readString(length: unread.readableBytes) ?? ""), status: response.status)
            default:
                break
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        unread.writeBuffer(&bytes)
        switch state {
        case .handshaking: readHandshake(context: context)
        case .refused(let response, let length): readRefusal(response, bodyLength: length, context: context)
        case .open, .closing: readFrames(context: context)
        case .closed: unread.clear()
        }
    }

    private func readHandshake(context: ChannelHandlerContext) {
        let view = unread.readableBytesView
        if view.count >= 5, !view.starts(with: Array("HTTP/".utf8)) {
            return failHandshake(context, "the server at \(request.url.hostHeader) answered, but not in HTTP: is this the right port?")
        }
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
            if view.count > HandshakeResponse.maxHead { failHandshake(context, "the server's answer has no end to its head; is this a web server?") }
            return
        }
        let head = unread.readString(length: end.upperBound - unread.readerIndex) ?? ""
        guard let response = HandshakeResponse(head: head) else {
            return failHandshake(context, "the server's answer is not HTTP/1.1: \(head.prefix(80))")
        }
        guard response.status == 101 else {
            state = .refused(response, bodyLength: response.contentLength)
            return readRefusal(response, bodyLength: response.contentLength, context: context)
        }
        if let problem = response.problem(key: key, offered: request.protocols) {
            return failHandshake(context, problem)
        }
        state = .open
        handshakeTimer?.cancel()
        opened.succeed(ClientHandshake(selectedProtocol: response.selectedProtocol, headers: response.headers))
        readFrames(context: context)
    }

    /// Reads the refusal's body (to its Content-Length, or the connection's end), then fails with it.
    private func readRefusal(_ response: HandshakeResponse, bodyLength: Int?, context: ChannelHandlerContext) {
        let limit = min(bodyLength ?? .max, 64 * 1024)
        guard unread.readableBytes >= limit else { return }
        failHandshake(context, Self.refusal(response, body: unread.readString(length: limit) ?? ""), status: response.status)
    }

    func failHandshake(_ context: ChannelHandlerContext, _ message: String, status: Int? = nil) {
        state = .closed
        handshakeTimer?.cancel()
        opened.fail(ClientError(message, status: status))
        events.finish()
        context.close(promise: nil)
    }

    /// "404 Not Found: No WebSocket endpoint at /echoo. Endpoints on this server: /chat, /echo."
    static func refusal(_ response: HandshakeResponse, body: String) -> String {
        var text = body
        if response["Content-Type"]?.lowercased().contains("html") == true {
            text = text.replacingTags()
        }
        let statusLine = "\(response.status) \(response.reasonPhrase)"
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces }.filter { !$0.isEmpty && $0 != statusLine }
        let said = lines.joined(separator: " ")
        return "the server refused the WebSocket: \(statusLine)" + (said.isEmpty ? "" : ": " + String(said.prefix(2000)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closeTimer?.cancel()
        handshakeTimer?.cancel()
        switch state {
        case .handshaking:
            state = .closed
            opened.fail(ClientError("the server closed the connection without answering the handshake"))
            events.finish()
        case .refused(let response, _):
            state = .closed
            opened.fail(ClientError(Self.refusal(response, body: unread.readString(length: unread.readableBytes) ?? ""), status: response.status))
            events.finish()
        case .open, .closing:
            state = .closed
            events.yield(.closed(endOfConnection))
            events.finish()
        case .closed:
            break
        }
        context.fireChannelInactive()
    }

    private var endOfConnection: ClientClose {
        if let closeReceived {
            return ClientClose(code: closeReceived.code, reason: closeReceived.reason, initiator: initiator, clean: closeSent != nil)
        }
        if let failure {
            return ClientClose(code: failure.code, reason: failure.reason, initiator: .client, clean: false)
        }
        return ClientClose(code: 1006, reason: lostBecause ?? "the connection ended without a close frame", initiator: .neither, clean: false)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .handshaking = state {
            failHandshake(context, "the connection failed during the handshake: \(error)")
            return
        }
        lostBecause = lostBecause ?? "\(error)"
        context.close(promise: nil)
    }

    /// Ends a connection whose input ended (the server half-closed without a close frame).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Writing

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        switch (command, state) {
        case (.send(.text(let text)), .open):
            send(opcode: FrameHeader.text, Array(text.utf8), context: context, promise: promise)
        case (.send(.binary(let bytes)), .open):
            send(opcode: FrameHeader.binary, bytes, context: context, promise: promise)
        case (.ping(let payload), .open), (.ping(let payload), .closing):
            send(opcode: FrameHeader.ping, Array(payload.prefix(125)), context: context, promise: promise)
        case (.close(let code, let reason), .open):
            startClosing(code: code, reason: reason, context: context)
            promise?.succeed()
        default:
            promise?.succeed()  // too late for it: the connection is closing or closed
        }
    }

    func send(opcode: UInt8, _ payload: [UInt8], context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        var buffer = context.channel.allocator.buffer(capacity: payload.count + 14)
        ClientFrame.write(opcode: opcode, payload: payload, into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: promise)
    }

    /// Sends our close frame and waits (at most `closeTimeout`) for the server's.
    func startClosing(code: UInt16, reason: String, context: ChannelHandlerContext) {
        guard case .open = state else { return }
        state = .closing
        initiator = .client
        closeSent = (code, CloseCode.clip(reason))
        send(opcode: FrameHeader.close, ClientFrame.closePayload(code: code, reason: reason), context: context)
        let channel = context.channel
        let timeout = closeTimeout
        closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            lostBecause = "the server did not answer the close within \(timeout.nanoseconds / 1_000_000_000) s"
            channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension ClientConnection: Sendable {}

extension String {
    /// HTML as text: tags dropped, the common entities read.
    func replacingTags() -> String {
        var text = ""
        var inTag = false
        let visible = replacingOccurrences(of: #"<(style|script)[^>]*>[\s\S]*?</\1>"#, with: "", options: [.regularExpression, .caseInsensitive])
        for character in visible {
            if character == "<" { inTag = true; continue }
            if character == ">" { inTag = false; text.append(" "); continue }
            if !inTag { text.append(character) }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }
}
