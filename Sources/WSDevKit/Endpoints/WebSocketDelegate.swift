/// An endpoint's side of one open WebSocket: what it does with each message, and how it learns
/// that the connection is over. Every call arrives on the connection's event loop, in order, so a
/// delegate needs no lock for its own state.
public protocol WebSocketDelegate: AnyObject {
    /// A whole message from the client.
    func received(_ message: WebSocketMessage)
    /// The client's close frame arrived (RFC 6455 §5.5.1). The answer goes back at once; `.later`
    /// means the delegate calls `WebSocket.close` itself (within the close timeout).
    func clientClosing(code: UInt16?, reason: String) -> ClosingAnswer
    /// The client broke the protocol (RFC 6455 §7.1.7) and the connection fails with `code`:
    /// `.now`, or `.afterReplies` for a delegate whose answers to the messages it already received
    /// are still on their way (it calls `WebSocket.close(code:)` once they are sent, within a second).
    func clientFailing(code: UInt16, reason: String) -> FailingAnswer
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

/// When a connection the client broke is failed.
public enum FailingAnswer: Sendable {
    case now
    case afterReplies
}

extension WebSocketDelegate {
    public func clientClosing(code: UInt16?, reason: String) -> ClosingAnswer { .echo }
    public func clientFailing(code: UInt16, reason: String) -> FailingAnswer { .now }
    public func writable() {}
    public func closed() {}
}
