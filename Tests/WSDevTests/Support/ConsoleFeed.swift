import Foundation

/// The live console's channel (`/__wsdev/console`) read as the console page reads it: its first
/// message (`hello`), then events, one JSON object each, sent alone or in arrays.
final class ConsoleFeedClient {
    typealias Event = [String: Any]

    let socket: RawWebSocket
    let hello: Event
    /// Every event read so far, in order (the hello not included).
    private(set) var events: [Event] = []

    /// Opens the channel from `host` (which must be one the server listens on).
    static func handshake(port: Int, host: String = "127.0.0.1", query: String = "", headers: [String: String?] = [:]) throws -> (ConsoleFeedClient?, HTTPReply) {
        var fields: [String: String?] = ["Sec-WebSocket-Protocol": "wsdev-console", "Host": "\(host):\(port)"]
        for (name, value) in headers { fields[name] = value }
        let (socket, reply) = try RawWebSocket.handshake(port: port, path: "/__wsdev/console" + query, host: host, headers: fields)
        guard let socket else { return (nil, reply) }
        return (try ConsoleFeedClient(socket), reply)
    }

    static func open(port: Int) throws -> ConsoleFeedClient {
        let (client, reply) = try handshake(port: port)
        guard let client else { throw TCPConnection.Failure(description: "the console channel answered \(reply.status): \(reply.text)") }
        return client
    }

    private init(_ socket: RawWebSocket) throws {
        self.socket = socket
        socket.connection.setTimeout(5)
        let first = try Self.decode(try socket.receiveMessage())
        guard let hello = first.first, hello["t"] as? String == "hello" else {
            throw TCPConnection.Failure(description: "the console's first message was not its hello: \(first)")
        }
        self.hello = hello
    }

    private static func decode(_ frame: RawWebSocket.Frame) throws -> [Event] {
        guard frame.opcode == RawWebSocket.text else {
            throw TCPConnection.Failure(description: "the console channel sent opcode \(frame.opcode) (\(frame.closeCode.map(String.init) ?? "")) \(frame.closeReason)")
        }
        let value = try JSONSerialization.jsonObject(with: Data(frame.payload))
        if let one = value as? Event { return [one] }
        guard let many = value as? [Event] else { throw TCPConnection.Failure(description: "not JSON events: \(frame.text)") }
        return many
    }

    /// Reads until an event read (now or before) satisfies `condition`; returns it.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 5, _ condition: (Event) -> Bool) throws -> Event {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let found = events.first(where: condition) { return found }
            guard Date() < deadline else {
                throw TCPConnection.Failure(description: "no console event \(what) within \(timeout) s; saw:\n" + events.map { "\($0)" }.joined(separator: "\n"))
            }
            events += try Self.decode(try socket.receiveMessage())
        }
    }

    /// History events in the hello for connection `id`.
    func history(of id: Int) -> [Event] {
        (hello["history"] as? [Event] ?? []).filter { ($0["id"] as? Int) == id }
    }
}
