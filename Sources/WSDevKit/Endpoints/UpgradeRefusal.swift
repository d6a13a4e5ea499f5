import HTTPTypes
import NIOCore

/// A WebSocket handshake we decline, answered with a real HTTP status and a body that says why,
/// never with a dropped connection.
public struct UpgradeRefusal: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    /// One sentence for the page and the log: what happened and what to do.
    public let message: String
    public var extraHeaders: HTTPFields = [:]

    public init(status: HTTPResponse.Status, message: String, extraHeaders: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.extraHeaders = extraHeaders
    }

    public static func badRequest(_ message: String) -> Self { .init(status: .badRequest, message: message) }

    static func notFound(path: String, known: [String]) -> Self {
        let list = known.isEmpty ? "none (started with --no-builtins and no handlers?)" : known.joined(separator: ", ")
        let guess = PathSuggestion.closest(to: path, among: known).map { " Did you mean \($0)?" } ?? ""
        return .init(status: .notFound, message: "No WebSocket endpoint at \(path).\(guess) Endpoints on this server: \(list).")
    }

    static func unsupportedVersion(_ version: String?) -> Self {
        .init(
            status: .upgradeRequired,
            message: "Sec-WebSocket-Version \(version.map { "'\($0)'" } ?? "missing"): this server speaks RFC 6455, version 13. Use a client that sends Sec-WebSocket-Version: 13.",
            extraHeaders: [.secWebSocketVersion: "13"]
        )
    }

    /// NIO switches only a connection's first request to another protocol; a client that pools
    /// connections (aiohttp's `ClientSession` after a GET) may send its handshake on a used one.
    static func afterAnotherRequest(path: Substring) -> Self {
        .init(
            status: .badRequest,
            message: "This WebSocket handshake for \(path) came on a connection that had already carried another HTTP request; wsdev switches only a connection's first request to WebSocket. Open the WebSocket on a new connection: browsers always do; with a client that pools connections (such as aiohttp's ClientSession after a GET), use a separate session for the WebSocket."
        )
    }

    /// The answer's body: the status, then the message, as plain text.
    var body: ByteBuffer { ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n\n\(message)\n") }

    /// The answer's header fields for `body`.
    var headers: HTTPFields {
        var headers = extraHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.contentLength] = String(body.readableBytes)
        return headers
    }

    /// Whether `headers` ask to switch to WebSocket (`Upgrade: websocket`, in any case, in a list),
    /// by the same test as a first request's (`SwitchingProtocols.upgradeToken`).
    static func asksForWebSocket(_ headers: HTTPFields) -> Bool {
        headers[values: .upgrade].contains { SwitchingProtocols.webSocketToken(in: $0) != nil }
    }
}
