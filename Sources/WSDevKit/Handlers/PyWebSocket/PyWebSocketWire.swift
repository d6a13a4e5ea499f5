import Foundation
import NIOCore

/// The JSON lines between wsdev and its Python bridge (the other side is in
/// `PyWebSocketBridgeSource`). One bridge process serves every connection of a `_wsh.py` file,
/// so every line names its connection by `id` (`ConnectionInfo.id`).
///
/// wsdev → bridge, on the bridge's stdin:
///
///     {"op":"handshake","id":1,"resource":"/echo?x=1","protocols":["chat"],"headers":{"Origin":"…"},
///      "remoteAddress":"127.0.0.1","remotePort":50312,"localPort":9998}
///     {"op":"open","id":1}                       the 101 is out: web_socket_transfer_data may start
///     {"op":"message","id":1,"text":"hi"}        or "binary":"<base64>"
///     {"op":"ack","id":1}                        one "send" reached the client's socket
///     {"op":"closed","id":1}                     the client closed or vanished
///
/// bridge → wsdev, on the bridge's original stdout (handler prints go to the log instead):
///
///     {"op":"ready"} · {"op":"fatal","text":"<traceback>"}   the handler file loaded, or could not
///     {"op":"accept","id":1,"protocol":"chat"} · {"op":"reject","id":1,"status":403,"reason":"…"}
///     {"op":"send","id":1,"text":"…"}            or "binary"; "fin":false on all but a message's last piece
///     {"op":"ack","id":1}                        the handler took one "message"
///     {"op":"close","id":1,"code":4000,"reason":"bye"}
///     {"op":"done","id":1}                       the handler's thread for this connection ended
///     {"op":"log","level":"print","id":1,"text":"…"}   level: print, stderr, warning, error; id may be null
///
/// Flow control: per connection and direction, at most `window` messages (or pieces) are
/// unacknowledged. The reader on each side therefore never waits, so one slow client or one
/// handler that does not read stops only its own connection, and memory stays bounded.
enum PyWebSocketWire {
    static let window = 16
    /// Characters (text) or bytes (binary) per "send" line; bigger messages go as fragments.
    static let chunk = 256 * 1024
    /// Longest line accepted from the bridge: a chunk of control characters, JSON-escaped, fits.
    static let lineLimit = 8 * 1024 * 1024

    struct Command: Encodable {
        var op: String
        var id: Int
        var resource: String?
        var protocols: [String]?
        var headers: [String: String]?
        var remoteAddress: String?
        var remotePort: Int?
        var localPort: Int?
        var text: String?
        var binary: String?

        init(_ op: String, id: Int) {
            self.op = op
            self.id = id
        }
    }

    struct Event: Decodable, Sendable {
        var op: String
        var id: Int?
        var text: String?
        var binary: String?
        var fin: Bool?
        var `protocol`: String?
        var status: Int?
        var reason: String?
        var code: Int?
        var level: String?
    }

    static func handshake(_ info: ConnectionInfo) -> String {
        var command = Command("handshake", id: info.id)
        command.resource = info.query.isEmpty ? info.path : info.path + "?" + info.query
        command.protocols = info.offeredSubprotocols
        var headers: [String: String] = [:]
        // HTTP/1.1's Host became the request's authority; pywebsocket handlers read it from headers_in.
        if let authority = info.authority { headers["Host"] = authority }
        for field in info.headers {
            headers[field.name.rawName] = headers[field.name.rawName].map { $0 + ", " + field.value } ?? field.value
        }
        command.headers = headers
        command.remoteAddress = info.remoteAddress
        command.remotePort = info.remotePort
        command.localPort = info.localPort
        return encode(command)
    }

    static func message(_ message: WebSocketMessage, id: Int) -> String {
        var command = Command("message", id: id)
        switch message.kind {
        case .text: command.text = String(buffer: message.data)
        case .binary: command.binary = Data(message.data.readableBytesView).base64EncodedString()
        }
        return encode(command)
    }

    static func simple(_ op: String, id: Int) -> String {
        #"{"op":"\#(op)","id":\#(id)}"#
    }

    static func decode(_ line: String) -> Event? {
        try? JSONDecoder().decode(Event.self, from: Data(line.utf8))
    }

    private static func encode(_ command: Command) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(command)) ?? Data(), as: UTF8.self)
    }
}
