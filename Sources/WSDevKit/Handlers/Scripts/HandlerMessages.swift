import Foundation
import NIOCore
import WSWire

/// How WebSocket messages cross a handler's stdin and stdout, one line each (see `HandlerDirectives`).
enum HandlerMessages {
    /// What a line from the handler's stdout asks for.
    enum Action {
        case send(WebSocketMessage)
        case close(code: UInt16, reason: String)
    }

    private struct Envelope: Codable {
        var type: String
        var data: String?
        var code: Int?
        var reason: String?
    }

    static let newline = ByteBuffer(string: "\n")

    /// The stdin line for a client message (without its "\n"), or nil when this format cannot carry it.
    static func line(for message: WebSocketMessage, format: HandlerDirectives.MessageFormat) -> ByteBuffer? {
        switch (format, message.kind) {
        case (.lines, .text):
            return message.data
        case (.lines, .binary):
            return nil
        case (.json, .text):
            return encode(Envelope(type: "text", data: String(buffer: message.data)))
        case (.json, .binary):
            return encode(Envelope(type: "binary", data: Data(message.data.readableBytesView).base64EncodedString()))
        }
    }

    /// A stdout line: in json mode a line that is not one of our objects is sent as plain text,
    /// so a stray debug print does not kill the connection. Text that is not UTF-8 is repaired
    /// (U+FFFD), as a browser would fail the connection on it.
    static func action(for line: ByteBuffer, format: HandlerDirectives.MessageFormat) -> Action {
        guard format == .json, line.readableBytesView.first == UInt8(ascii: "{"),
            let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(line.readableBytesView))
        else {
            return .send(text(line))
        }
        switch envelope.type {
        case "binary":
            let bytes = envelope.data.flatMap { Data(base64Encoded: $0) } ?? Data()
            return .send(.binary(ByteBuffer(bytes: bytes)))
        case "close":
            return .close(code: envelope.code.flatMap { UInt16(exactly: $0) } ?? CloseCode.normal, reason: envelope.reason ?? "")
        case "text":
            return .send(.text(envelope.data ?? ""))
        default:
            return .send(text(line))
        }
    }

    private static func text(_ line: ByteBuffer) -> WebSocketMessage {
        line.isValidUTF8 ? WebSocketMessage(.text, line) : .text(String(decoding: line.readableBytesView, as: UTF8.self))
    }

    private static func encode(_ envelope: Envelope) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(envelope)) ?? Data())
    }
}
