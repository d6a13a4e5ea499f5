import NIOCore
import NIOWebSocket

/// `/echo`: text comes back as text, binary as binary; "Goodbye" is echoed and then the server
/// closes normally, as the classic tutorial's pywebsocket handler does.
public struct EchoEndpoint: WebSocketEndpoint, EventLoopEndpoint {
    public init() {}

    public var summary: String { "built-in echo" }

    public func immediateAdmission(_ request: ConnectionInfo) -> Admission? {
        .acceptFirstOffered(by: request)
    }

    public func serve(_ connection: WebSocketConnection) async throws {
        for try await message in connection.messages {
            switch message {
            case .text(let text):
                try await connection.outbound.write(.text(text))
                if text == Self.farewell { return }
            case .binary(let data):
                try await connection.outbound.write(.binary(data))
            }
        }
    }

    func answer(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> LoopAnswer {
        let farewell = opcode == .text && data.readableBytes == Self.farewell.utf8.count
            && data.readableBytesView.elementsEqual(Self.farewell.utf8)
        return LoopAnswer(reply: WebSocketFrame(fin: true, opcode: opcode, data: data), thenClose: farewell)
    }

    private static let farewell = "Goodbye"
}
