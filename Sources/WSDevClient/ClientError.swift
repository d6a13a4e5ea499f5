/// Why `wsdev connect` could not open its WebSocket, said so that the user knows what to change.
public struct ClientError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The HTTP status of a refused handshake; nil when none came (no server, not HTTP, a bad 101).
    public let status: Int?

    public init(_ description: String, status: Int? = nil) {
        self.description = description
        self.status = status
    }
}
