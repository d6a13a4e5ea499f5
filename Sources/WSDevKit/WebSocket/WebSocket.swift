import NIOCore
import WSWire

/// One open WebSocket as its endpoint holds it: send, close, and flow control.
///
/// `send` and `close` may be called from any thread: calls made off the connection's event loop
/// are carried there, in order. The flow-control members belong to the event loop, where the
/// delegate's calls arrive.
public final class WebSocket: @unchecked Sendable {
    public let info: ConnectionInfo
    public let eventLoop: any EventLoop
    /// The engine, while the connection is open; touched on the event loop only.
    var session: WebSocketSession?
    /// The client's close frame (its code, nil when it had none, and reason) once one arrived,
    /// whoever closed first. Event loop only.
    public internal(set) var clientClose: (code: UInt16?, reason: String)?

    init(info: ConnectionInfo, eventLoop: any EventLoop) {
        self.info = info
        self.eventLoop = eventLoop
    }

    /// Queues a message for the client; dropped once the connection is closing.
    public func send(_ message: WebSocketMessage) {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.send(message) } }
        session?.send(message)
    }

    /// Queues a message to leave with the next `flush()`: for a delegate that sends what one read
    /// of its own source produced as one write. Event loop only.
    public func queue(_ message: WebSocketMessage) {
        eventLoop.preconditionInEventLoop()
        session?.send(message, flushSoon: false)
    }

    /// Sends what `queue` held. Event loop only.
    public func flush() {
        eventLoop.preconditionInEventLoop()
        session?.flushHeld()
    }

    /// Starts the closing handshake (RFC 6455 §7.1.2); the delegate hears `closed()` when it ends.
    /// `explanation`, when the close is a failure, is what the page's console and wsdev's console
    /// show instead of `reason`, which a close frame cuts to 123 bytes.
    public func close(code: UInt16 = CloseCode.normal, reason: String = "", explanation: String? = nil) {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.close(code: code, reason: reason, explanation: explanation) } }
        if let explanation, session?.closeSent == false { session?.closeExplanation = explanation }
        session?.close(code: code, reason: reason)
    }

    /// Whether the socket takes more without queueing past its limit; when false, the delegate
    /// hears `writable()` once it does again. Event loop only.
    public var isWritable: Bool {
        eventLoop.preconditionInEventLoop()
        return session?.isWritable ?? false
    }

    /// Stops reading from the client until `resumeReading`, so a delegate that cannot keep up
    /// slows the client down instead of queueing its messages. Event loop only.
    public func pauseReading() {
        eventLoop.preconditionInEventLoop()
        session?.setPaused(true)
    }

    public func resumeReading() {
        eventLoop.preconditionInEventLoop()
        session?.setPaused(false)
    }
}
