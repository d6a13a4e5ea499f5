import HTTPTypes
import NIOCore

/// What a WebSocket endpoint may know about the handshake that opened its connection.
public struct ConnectionInfo: Sendable {
    /// Unique within this server run; shown in log lines as `#id`.
    public let id: Int
    public let path: String
    public let query: String
    public let headers: HTTPFields
    public let remoteAddress: String
    public let remotePort: Int
    /// The Host header (HTTP/2 calls it :authority), e.g. "localhost:9998".
    public let authority: String?
    /// The server port this connection arrived on.
    public let localPort: Int
    public let offeredSubprotocols: [String]
    /// Selected by the endpoint's `admit`; nil until then, or when none was offered.
    public internal(set) var subprotocol: String?

    init(id: Int, request: HTTPRequest, remote: SocketAddress?, local: SocketAddress?, offered: [String], subprotocol: String? = nil) {
        self.id = id
        let target = request.path ?? "/"
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = String(parts[0])
        self.query = parts.count > 1 ? String(parts[1]) : ""
        self.headers = request.headerFields
        self.remoteAddress = remote?.ipAddress ?? "unknown"
        self.remotePort = remote?.port ?? 0
        self.authority = request.authority
        self.localPort = local?.port ?? 0
        self.offeredSubprotocols = offered
        self.subprotocol = subprotocol
    }
}
