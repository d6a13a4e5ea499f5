import Logging
import WSCore

/// Something that answers WebSocket connections on a path: a built-in, or (later) a handler file.
public protocol WebSocketEndpoint: Sendable {
    /// Shown in the banner next to the URL, e.g. "built-in echo".
    var summary: String { get }
    /// Picks one of the client's offered subprotocols, or nil for none. Built-ins take the first.
    func selectSubprotocol(from offered: [String]) -> String?
    func serve(_ connection: WebSocketConnection) async throws
}

extension WebSocketEndpoint {
    public func selectSubprotocol(from offered: [String]) -> String? { offered.first }
}

/// One open connection as an endpoint sees it.
public struct WebSocketConnection: Sendable {
    public let inbound: WebSocketInboundStream
    public let outbound: WebSocketOutboundWriter
    public let info: ConnectionInfo
    public let logger: Logger
    /// Largest message this server accepts; bigger ones close the connection with 1009.
    public let maxMessageBytes: Int

    /// Whole messages, reassembled from fragments and decompressed.
    public var messages: WebSocketInboundMessageStream { inbound.messages(maxSize: maxMessageBytes) }
}
