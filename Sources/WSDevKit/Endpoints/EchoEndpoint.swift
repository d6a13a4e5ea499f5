/// `/echo`: text comes back as text, binary as binary; "Goodbye" is echoed and then the server
/// closes normally, as the classic tutorial's pywebsocket handler does.
public struct EchoEndpoint: WebSocketEndpoint {
    public init() {}

    public var summary: String { "built-in echo" }

    public func serve(_ connection: WebSocketConnection) async throws {
        for try await message in connection.messages {
            switch message {
            case .text(let text):
                try await connection.outbound.write(.text(text))
                if text == "Goodbye" { return }
            case .binary(let data):
                try await connection.outbound.write(.binary(data))
            }
        }
    }
}
