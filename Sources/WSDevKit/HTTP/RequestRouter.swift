import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Listener → router → responder or endpoint: plain HTTP requests arrive here.
/// (WebSocket handshakes that are a connection's first request were already taken by `FirstRequest`.)
struct RequestRouter: Sendable {
    let statics: StaticResponder
    let endpoints: EndpointTable
    let accessLog: Logger
    /// `--header`, `--cors`, `--coi`.
    let devHeaders: DevHeaders
    /// The names requests may give in `Host` (DNS rebinding defence).
    let hosts: AllowedHosts
    let date = DateHeader()
    /// Answers `statics` gave for files, which `FastFileHandler` repeats on the event loop; nil
    /// when tuned off (`ServerConfiguration.Tuning`), so tests and benchmarks can compare both paths.
    let fastFiles: FastFileTable?
    /// `/__wsdev/`: the live console's page and its files.
    let console: ConsolePages?

    init(
        statics: StaticResponder, endpoints: EndpointTable, accessLog: Logger,
        devHeaders: DevHeaders = DevHeaders(custom: [], cors: false, coi: false), hosts: AllowedHosts = AllowedHosts(),
        fastPath: Bool = true, console: ConsolePages? = nil
    ) {
        self.console = console
        self.fastFiles = fastPath ? FastFileTable(devHeaders: devHeaders) : nil
        var statics = statics
        statics.fastFiles = fastFiles
        self.statics = statics
        self.endpoints = endpoints
        self.accessLog = accessLog
        self.devHeaders = devHeaders
        self.hosts = hosts
    }

    /// What each connection's `FastFileHandler` needs, so that its answers and log lines are this router's.
    var fastPath: FastFileHandler.Shared? {
        fastFiles.map { FastFileHandler.Shared(files: $0, endpoints: endpoints, date: date, accessLog: accessLog, hosts: hosts) }
    }

    func respond(to request: Request, writer: consuming ResponseWriter, channel: any Channel) async throws {
        let started = ContinuousClock.now
        let path = (request.head.path ?? "/").prefix { $0 != "?" }
        var response: Response
        let hostRefusal = hosts.refusal(Self.host(of: request))
        if let hostRefusal {
            response = ErrorPage.response(hostRefusal.status, hostRefusal.message)
        } else if let preflight = devHeaders.preflight(request) {
            response = preflight
        } else if UpgradeRefusal.asksForWebSocket(request.headers) {
            // The first request's handshakes were all decided by `FirstRequest`.
            let refusal = UpgradeRefusal.afterAnotherRequest(path: path)
            let address = channel.remoteAddress
            accessLog.notice("WS   refused \(refusal.status.code) for \(address?.ipAddress ?? "?"):\(address?.port ?? 0): \(refusal.message.loggable)")
            var headers = refusal.headers
            headers[.connection] = "close"
            response = Response(status: refusal.status, headers: headers, body: .init(byteBuffer: refusal.body))
            // NIO's request decoder reads nothing more after a handshake (what follows would be
            // frames), so the connection ends with this answer: Hummingbird's state handler
            // closes once the answer in progress is written when told the connection should quiesce.
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        } else if endpoints.endpoint(at: path) != nil {
            response = ErrorPage.response(
                .upgradeRequired,
                "\(path) is a WebSocket endpoint. Open it from a page with new WebSocket(\"ws://\(request.head.authority ?? "localhost:9998")\(path)\"), or with a WebSocket client such as websocat.",
                headers: [.upgrade: "websocket", .connection: "Upgrade"])
        } else if let page = console?.response(
            path: path, query: RequestTarget.split(request.head.path ?? "/").query, remoteAddress: channel.remoteAddress?.ipAddress
        ) {
            response = page
        } else {
            response = await statics.respond(to: request)
        }
        devHeaders.apply(to: &response.headers)
        response.headers[.date] = date.now
        // Hummingbird ends the connection after exactly this (`RequestHeadNormaliser` says it so for
        // every request that ends one); RFC 9112 §9.6 asks the answer to say so too.
        if request.headers[.connection] == "close" { response.headers[.connection] = "close" }
        let length = response.headers[.contentLength].map { " \($0) B" } ?? ""
        if let hostRefusal {
            accessLog.notice("\(Self.line(request, response.status, length, since: started)): \(hostRefusal.message.loggable)")
        } else {
            accessLog.info("\(Self.line(request, response.status, length, since: started))")
        }
        try await writer.write(response: response.head, body: response.body)
    }

    /// `GET /app.js 200 1024 B 0.3 ms`; built only when the line is logged (not with `--quiet`).
    private static func line(_ request: Request, _ status: HTTPResponse.Status, _ length: String, since started: ContinuousClock.Instant) -> String {
        "\(request.method.rawValue) \((request.head.path ?? "/").loggable) \(status.code)\(length) \((ContinuousClock.now - started).logText)"
    }

    private static let hostField = HTTPField.Name("host")!

    /// The request's Host fields: HTTPTypes keeps the first as `authority`, any other as a field.
    private static func host(of request: Request) -> HTTPHeaders.Single {
        guard let authority = request.head.authority else { return .none }
        return request.headers[hostField] == nil ? .one(authority) : .many
    }
}
