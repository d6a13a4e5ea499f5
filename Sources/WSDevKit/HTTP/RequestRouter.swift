import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore

/// Listener → router → responder or endpoint: plain HTTP requests arrive here.
/// (WebSocket handshakes were already taken by `UpgradeChannel`.)
struct RequestRouter: Sendable {
    let statics: StaticResponder
    let endpoints: EndpointTable
    let accessLog: Logger
    /// `--header`, `--cors`, `--coi`.
    var devHeaders = DevHeaders(custom: [], cors: false, coi: false)
    let date = DateHeader()

    func respond(to request: Request, writer: consuming ResponseWriter, channel: any Channel) async throws {
        let started = ContinuousClock.now
        let path = (request.head.path ?? "/").prefix { $0 != "?" }
        var response: Response
        if let preflight = devHeaders.preflight(request) {
            response = preflight
        } else if endpoints.endpoint(at: path) != nil {
            response = ErrorPage.response(
                .upgradeRequired,
                "\(path) is a WebSocket endpoint. Open it from a page with new WebSocket(\"ws://\(request.head.authority ?? "localhost:9998")\(path)\"), or with a WebSocket client such as websocat.",
                headers: [.upgrade: "websocket", .connection: "Upgrade"])
        } else {
            response = await statics.respond(to: request)
        }
        devHeaders.apply(to: &response.headers)
        response.headers[.date] = date.now
        let length = response.headers[.contentLength].map { " \($0) B" } ?? ""
        accessLog.info("\(request.method.rawValue) \(request.head.path ?? "/") \(response.status.code)\(length) \((ContinuousClock.now - started).logText)")
        try await writer.write(response: response.head, body: response.body)
    }
}
