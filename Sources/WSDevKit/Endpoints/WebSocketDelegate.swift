/// An endpoint's side of one open WebSocket: what it does with each message, and how it learns
/// that the connection is over. Every call arrives on the connection's event loop, in order, so a
/// delegate needs no lock for its own state.
public protocol WebSocketDelegate: AnyObject {
    /// A whole message from the client.
    func received(_ message: WebSocketMessage)
    /// The client's close frame arrived (RFC 6455 §5.5.1). The answer goes back at once; `.later`
    /// means the delegate calls `WebSocket.close` itself (within the close timeout).
    func clientClosing(code: UInt16?, reason: String) -> ClosingAnswer
    /// The socket takes more again after `WebSocket.isWritable` was false.
    func writable()
    /// The connection is over, whoever ended it and however. Called once.
    func closed()
}

/// What the server answers a client's close frame with.
public enum ClosingAnswer: Sendable {
    /// The client's own code (1000 when it sent none), as RFC 6455 §5.5.1 suggests.
    case echo
    case answer(code: UInt16, reason: String)
    case later
}

extension WebSocketDelegate {
    public func clientClosing(code: UInt16?, reason: String) -> ClosingAnswer { .echo }
    public func writable() {}
    public func closed() {}
}
