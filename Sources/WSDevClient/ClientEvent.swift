/// A whole message, either way.
public enum ClientMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// What the user's side asks of the connection; written into the channel, which frames it.
public enum ClientCommand: Sendable {
    case send(ClientMessage)
    case ping([UInt8])
    /// Starts the closing handshake; ignored once one has started.
    case close(code: UInt16, reason: String)
}

/// What happened on an open connection, in order; `.closed` is the last.
public enum ClientEvent: Sendable {
    case message(ClientMessage)
    /// The server pinged; the pong has already gone back.
    case ping([UInt8])
    case pong([UInt8])
    case closed(ClientClose)
}

/// How the connection ended.
public struct ClientClose: Sendable, Equatable {
    public enum Initiator: Sendable, Equatable {
        /// This client sent the first close frame (the user, the end of input, or a broken rule of the server's).
        case client
        case server
        /// Nobody: the connection was lost without a close frame (code 1006).
        case neither
    }

    /// The code from the server's close frame; 1005 when it gave none, 1006 when none came.
    public let code: UInt16
    public let reason: String
    public let initiator: Initiator
    /// Close frames went both ways.
    public let clean: Bool
}

/// What the server's `101` settled.
public struct ClientHandshake: Sendable {
    /// The subprotocol the server selected, if any.
    public let selectedProtocol: String?
    public let headers: [(name: String, value: String)]
}
