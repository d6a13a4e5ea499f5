import Logging
import NIOCore
import NIOHTTP1

/// Answers GET and HEAD for small files the slow path has already served, on the event loop, from
/// `FastFileTable`: no Swift task, no NIOAsyncChannel hop and no HTTPTypes conversion per request,
/// which were most of the cost of a 1 KiB answer.
///
/// Sits right after NIO's HTTP/1 codec on plain HTTP connections, before the handlers that watch
/// the slow path's requests (`BadRequestCloser`, `IdleConnectionCloser`);
/// whatever it does not answer goes on unchanged to Hummingbird and `RequestRouter`. Answers must
/// leave in request order, so once a request has gone on, every later one on the connection goes
/// on too until the slow path has written the `.end` of every response it owes.
final class FastFileHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// One per server, shared by every connection's handler.
    struct Shared: Sendable {
        let files: FastFileTable
        let endpoints: EndpointTable
        let date: DateHeader
        let accessLog: Logger
        /// A request for another name is the slow path's to refuse.
        let hosts: AllowedHosts
        /// Decided once: formatting a line that `--quiet` drops still costs a little per request.
        var logsRequests: Bool { accessLog.logLevel <= .info }
    }

    private struct Answering {
        let head: HTTPRequestHead
        let entry: FastFileTable.Entry
        /// For the access log; not read from the clock with `--quiet`.
        let started: ContinuousClock.Instant?
    }

    private let shared: Shared
    private let logsRequests: Bool
    /// Told of every request answered here (the connection's idle clock).
    private let answered: () -> Void
    /// The Host header last allowed on this connection: a client names the same host every time.
    private var allowedHost: String?
    /// Requests passed on whose responses the slow path has not yet written to their `.end`.
    private var owedBySlowPath = 0
    /// Set for good by a request that may end the connection (`Connection: close`, HTTP/1.0):
    /// Hummingbird decides what happens after it, and nothing may be answered here meanwhile.
    private var slowOnly = false
    /// A request answered here whose head has been read and whose `.end` has not.
    private var answering: Answering?
    private var needsFlush = false
    /// Whether anything went on to the slow path since the last read completed: if not, there is
    /// nothing for NIOAsyncChannel to deliver, and its read-complete work can be skipped.
    private var forwarded = false

    init(_ shared: Shared, answered: @escaping () -> Void = {}) {
        self.shared = shared
        self.logsRequests = shared.logsRequests
        self.answered = answered
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let entry = fastEntry(for: head, context: context) {
                answering = Answering(head: head, entry: entry, started: logsRequests ? .now : nil)
            } else {
                owedBySlowPath += 1
                forward(data, context: context)
            }
        case .body:
            // Requests with a body are never answered here; a body part belongs to a passed-on request.
            if answering == nil { forward(data, context: context) }
        case .end:
            if let request = answering {
                answering = nil
                answer(request, context: context)
            } else {
                forward(data, context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // One flush for all the requests a read brought (pipelining), as the kernel likes it.
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        if forwarded {
            forwarded = false
            context.fireChannelReadComplete()
        }
    }

    private func forward(_ data: NIOAny, context: ChannelHandlerContext) {
        forwarded = true
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Never below zero: Hummingbird's 400 for a request that did not parse is owed to no head.
        if case .end = unwrapOutboundIn(data), owedBySlowPath > 0 { owedBySlowPath -= 1 }
        context.write(data, promise: promise)
    }

    /// The cached answer for a plain, repeatable request, or nil when the slow path must answer.
    private func fastEntry(for head: HTTPRequestHead, context: ChannelHandlerContext) -> FastFileTable.Entry? {
        guard !slowOnly else { return nil }
        guard head.version == .http1_1, Self.keepsAlive(head.headers) else {
            slowOnly = true
            return nil
        }
        guard owedBySlowPath == 0, head.method == .GET || head.method == .HEAD, head.uri.utf8.first == UInt8(ascii: "/") else {
            return nil
        }
        // A body, an upgrade, a range or an expectation: the slow path knows what to do with each.
        for name in Self.slowHeaders where head.headers.contains(name: name) { return nil }
        guard case .one(let host) = head.headers.single("host"), host == allowedHost || shared.hosts.allows(host) else { return nil }
        allowedHost = host
        // The slow path waits while the client does not read; answering here would pile answers up.
        guard context.channel.isWritable else { return nil }
        let path = RequestTarget.split(head.uri).path
        // A handler file may have made this path an endpoint since the file was served.
        guard shared.endpoints.endpoint(at: path) == nil else { return nil }
        return shared.files.current(path)
    }

    private static let slowHeaders = ["content-length", "transfer-encoding", "upgrade", "expect", "range", "if-range"]

    /// True when Hummingbird would keep the connection open after this request, whatever the answer.
    private static func keepsAlive(_ headers: HTTPHeaders) -> Bool {
        headers["connection"].allSatisfy { $0.lowercased() == "keep-alive" }
    }

    /// The same answer, byte for byte, that `RequestRouter` gives, and the same access log line.
    private func answer(_ request: Answering, context: ChannelHandlerContext) {
        let entry = request.entry
        let preconditions = Preconditions(
            ifNoneMatch: Self.value(request.head.headers, "if-none-match"),
            ifModifiedSince: Self.value(request.head.headers, "if-modified-since"),
            ifRange: nil)
        let notModified = preconditions.notModified(etag: entry.etag, modifiedSeconds: entry.modifiedSeconds)
        let sendsBody = !notModified && request.head.method == .GET
        var file: NIOFileHandle?
        if sendsBody, entry.body == nil {
            // Changed since the head was read: nothing is written yet, so the slow path can still answer.
            guard let opened = entry.open() else { return passOn(request, context: context) }
            file = opened
        }
        var headers = notModified ? entry.notModified : entry.ok
        headers.add(name: "Date", value: shared.date.now)
        let head = HTTPResponseHead(version: .http1_1, status: notModified ? .notModified : .ok, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if sendsBody, let body = entry.body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        if let file {
            // sendfile(2) from the page cache, as nginx does; the descriptor closes once it is sent or failed.
            let region = FileRegion(fileHandle: file, readerIndex: 0, endIndex: entry.version.size)
            context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: nil)
            let sent = context.eventLoop.makePromise(of: Void.self)
            sent.futureResult.whenComplete { _ in try? file.close() }
            context.write(wrapOutboundOut(.end(nil)), promise: sent)
        } else {
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
        }
        needsFlush = true
        answered()
        guard let started = request.started else { return }
        shared.accessLog.info(
            "\(request.head.method.rawValue) \(request.head.uri.loggable) \(notModified ? 304 : 200)\(notModified ? "" : entry.logLength) \((ContinuousClock.now - started).logText)")
    }

    /// Hands a request this handler took after all to the slow path, as if it had never stopped here.
    private func passOn(_ request: Answering, context: ChannelHandlerContext) {
        owedBySlowPath += 1
        forward(wrapInboundOut(.head(request.head)), context: context)
        forward(wrapInboundOut(.end(nil)), context: context)
    }

    /// A header's lines joined as HTTPFields joins them for the slow path.
    private static func value(_ headers: HTTPHeaders, _ name: String) -> String? {
        let values = headers[name]
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}

@available(*, unavailable)
extension FastFileHandler: Sendable {}
