import Foundation
import NIOCore

/// One thing that happened on the server's WebSockets, as the live console and the pages' error
/// channel see it.
enum SocketEvent: Sendable {
    /// A WebSocket opened (its 101 is out).
    case opened(Opened)
    /// A frame that carried a message, a ping or a pong, in either direction.
    case frame(Frame)
    /// A WebSocket is over: how it ended.
    case closed(id: Int, summary: String, at: Date)
    /// A handshake the server refused, with the reason it gave.
    case refused(Refused)
    /// A line a handler printed on its standard error.
    case handlerLog(id: Int?, path: String, line: String, at: Date)
    /// The server closed a connection because something went wrong (1002, 1003, 1007–1011, 1014):
    /// a handler that failed, a message over the limit, a broken frame.
    case failed(Failed)

    struct Opened: Sendable {
        let id: Int
        let path: String
        let endpoint: String
        let remote: String
        let origin: String?
        let subprotocol: String?
        let deflate: Bool
        let at: Date
    }

    struct Frame: Sendable {
        enum Kind: String, Sendable { case text, binary, ping, pong, close }
        let id: Int
        /// From the client to the server.
        let inbound: Bool
        let kind: Kind
        /// The whole payload's size.
        let size: Int
        /// Its first bytes, at most `SocketEvents.previewLength`.
        let preview: ByteBuffer
        let at: Date
    }

    struct Refused: Sendable {
        let path: String
        let remote: String
        let origin: String?
        let status: Int
        let reason: String
        let at: Date
    }

    struct Failed: Sendable {
        let id: Int
        let path: String
        let remote: String
        let origin: String?
        let code: UInt16
        /// What went wrong and what to do, longer than the close frame's reason may be.
        let reason: String
        let at: Date

        /// Codes that mean something went wrong, as opposed to an ordinary end (1000, 1001) or an
        /// application's own code (3000–4999).
        static func isFailure(_ code: UInt16) -> Bool {
            switch code {
            case 1002, 1003, 1007...1011, 1014: true
            default: false
            }
        }
    }
}
