/// What `FirstRequest` or `LoopUpgrade` tells the standard pipeline about the first request it
/// is about to read again.
enum FirstRead: Sendable {
    /// Not read yet (cut over reads, unusual, or the connection ended first): NIO's upgrade
    /// handler reads it.
    case undecided
    /// A WebSocket handshake, with the decision made on the way, so it is not made twice.
    case handshake(Handshake.Progress)
    /// A request that is not a WebSocket handshake: served as plain HTTP, without NIO's upgrade
    /// handler, which loses the request when it names another protocol (`Upgrade: h2c`, as
    /// `curl --http2` sends) and the client got no answer at all.
    case http
}
