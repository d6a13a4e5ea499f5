/// `/echo`: text comes back as text, binary as binary; "Goodbye" is echoed and then the server
/// closes normally, as the classic tutorial's pywebsocket handler does.
public struct EchoEndpoint: WebSocketEndpoint {
    public init() {}

    public var summary: String { "built-in echo" }

    public func immediateAdmission(_ request: ConnectionInfo) -> Admission? {
        .acceptFirstOffered(by: request)
    }

    public func open(_ socket: WebSocket) -> any WebSocketDelegate {
        Echo(socket)
    }

    private final class Echo: WebSocketDelegate {
        let socket: WebSocket

        init(_ socket: WebSocket) {
            self.socket = socket
        }

        func received(_ message: WebSocketMessage) {
            socket.send(message)
            if message.kind == .text, message.data.readableBytesView.elementsEqual(Self.farewell) {
                socket.close()
            }
        }

        private static let farewell = "Goodbye".utf8
    }
}
