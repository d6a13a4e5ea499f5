import HTTPTypes

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
        return .init(status: .notFound, message: "No WebSocket endpoint at \(path). Endpoints on this server: \(list).")
    }

    static func unsupportedVersion(_ version: String?) -> Self {
        .init(
            status: .upgradeRequired,
            message: "Sec-WebSocket-Version \(version.map { "'\($0)'" } ?? "missing"): this server speaks RFC 6455, version 13. Use a client that sends Sec-WebSocket-Version: 13.",
            extraHeaders: [.secWebSocketVersion: "13"]
        )
    }
}
