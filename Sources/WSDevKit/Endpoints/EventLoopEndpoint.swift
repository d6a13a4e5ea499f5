import NIOCore
import NIOWebSocket

/// An endpoint whose answer to a message is known at once, so its connections are served on
/// the event loop that reads them: no task, no stream and no actor per message (`LoopSession`).
///
/// Used when no extension was negotiated; with permessage-deflate the same endpoint is served
/// through `serve(_:)` like every other.
protocol EventLoopEndpoint: WebSocketEndpoint {
    /// The answer to one whole message (fragments joined, text already checked to be UTF-8).
    func answer(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> LoopAnswer
}

/// What an `EventLoopEndpoint` sends back for one message.
struct LoopAnswer {
    var reply: WebSocketFrame?
    /// Close normally (1000) once the reply is written.
    var thenClose = false
}
