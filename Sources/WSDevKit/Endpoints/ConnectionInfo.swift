import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// What a WebSocket endpoint may know about the handshake that opened its connection.
public struct ConnectionInfo: Sendable {
    /// Unique within this server run; shown in log lines as `#id`.
    public let id: Int
    public let path: String
    public let query: String
    /// Converted when asked for: the built-in endpoints never look, and converting every
    /// handshake's headers was a measurable share of the server's CPU for short connections.
    public var headers: HTTPFields { HTTPFields(rawHeaders, splitCookie: false) }
    /// The handshake's fields as they arrived.
    let rawHeaders: HTTPHeaders
    public var remoteAddress: String { remote?.ipAddress ?? "unknown" }
    private let remote: SocketAddress?
    public let remotePort: Int
    /// The page that opened the connection (`Origin`), when a browser did.
    public var origin: String? { rawHeaders.first(name: "origin") }
    /// The Host header (HTTP/2 calls it :authority), e.g. "localhost:9998".
    public let authority: String?
    /// The server port this connection arrived on.
    public let localPort: Int
    public let offeredSubprotocols: [String]
    /// Selected by the endpoint's `admit`; nil until then, or when none was offered.
    public internal(set) var subprotocol: String?
    /// The `Sec-WebSocket-Extensions` of the 101 (permessage-deflate's parameters), nil when none was agreed.
    public internal(set) var extensions: String?
    /// The event loop the connection is served on: an endpoint that starts something shared for its
    /// connections (a process) can keep it on the loop of the first.
    public let eventLoop: any EventLoop

    init(
        id: Int, head: HTTPRequestHead, remote: SocketAddress?, local: SocketAddress?, offered: [String], eventLoop: any EventLoop,
        subprotocol: String? = nil
    ) {
        self.id = id
        self.eventLoop = eventLoop
        let (path, query) = RequestTarget.split(head.uri)
        self.path = String(path)
        self.query = query.map(String.init) ?? ""
        self.rawHeaders = head.headers
        self.remote = remote
        self.remotePort = remote?.port ?? 0
        self.authority = head.headers.first(name: "host")
        self.localPort = local?.port ?? 0
        self.offeredSubprotocols = offered
        self.subprotocol = subprotocol
    }
}
