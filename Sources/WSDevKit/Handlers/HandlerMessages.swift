import Foundation
import NIOCore
import NIOWebSocket
import WSCore

/// How WebSocket messages cross a handler's stdin and stdout, one line each (see `HandlerDirectives`).
enum HandlerMessages {
    /// What a line from the handler's stdout asks for.
    enum Action {
        case send(WebSocketOutboundWriter.OutboundFrame)
        case close(WebSocketErrorCode, reason: String)
    }

    private struct Envelope: Codable {
        var type: String
        var data: String?
        var code: Int?
        var reason: String?
    }

    /// The stdin line for a client message, or nil when this format cannot carry it.
    static func line(for message: WebSocketMessage, format: HandlerDirectives.MessageFormat) -> String? {
        switch (format, message) {
        case (.lines, .text(let text)):
            return text
        case (.lines, .binary):
            return nil
        case (.json, .text(let text)):
            return encode(Envelope(type: "text", data: text))
        case (.json, .binary(var buffer)):
            return encode(Envelope(type: "binary", data: Data(buffer.readBytes(length: buffer.readableBytes) ?? []).base64EncodedString()))
        }
    }

    /// A stdout line: in json mode a line that is not one of our objects is sent as plain text,
    /// so a stray debug print does not kill the connection.
    static func action(for line: String, format: HandlerDirectives.MessageFormat) -> Action {
        guard format == .json, line.hasPrefix("{"), let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(line.utf8)) else {
            return .send(.text(line))
        }
        switch envelope.type {
        case "binary":
            let bytes = envelope.data.flatMap { Data(base64Encoded: $0) } ?? Data()
            return .send(.binary(ByteBuffer(bytes: bytes)))
        case "close":
            let code = envelope.code.map { WebSocketErrorCode(codeNumber: $0) } ?? .normalClosure
            return .close(code, reason: clip(envelope.reason ?? ""))
        case "text":
            return .send(.text(envelope.data ?? ""))
        default:
            return .send(.text(line))
        }
    }

    /// Close reasons must fit a control frame: 123 bytes of UTF-8.
    static func clip(_ reason: String) -> String {
        var result = ""
        for character in reason {
            guard result.utf8.count + String(character).utf8.count <= 123 else { break }
            result.append(character)
        }
        return result
    }

    private static func encode(_ envelope: Envelope) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(envelope)) ?? Data(), as: UTF8.self)
    }
}
