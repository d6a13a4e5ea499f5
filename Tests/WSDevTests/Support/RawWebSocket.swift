import Foundation

/// A WebSocket client that writes frames by hand, so tests can also send what a broken client sends.
final class RawWebSocket {
    struct Frame {
        let fin: Bool
        let rsv1: Bool
        let opcode: UInt8
        let payload: [UInt8]

        var text: String { String(decoding: payload, as: UTF8.self) }
        var closeCode: Int? { opcode == 0x8 && payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil }
        var closeReason: String { opcode == 0x8 && payload.count > 2 ? String(decoding: payload[2...], as: UTF8.self) : "" }
    }

    static let text: UInt8 = 0x1, binary: UInt8 = 0x2, close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    let connection: TCPConnection
    let handshake: HTTPReply

    init(connection: TCPConnection, handshake: HTTPReply) {
        self.connection = connection
        self.handshake = handshake
    }

    /// Performs the opening handshake; the reply is returned whatever its status.
    static func handshake(
        port: Int, path: String = "/echo", host: String = "127.0.0.1", headers: [String: String?] = [:], timeout: TimeInterval = patience
    ) throws -> (socket: RawWebSocket?, reply: HTTPReply) {
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        var fields: [String: String?] = [
            "Host": "127.0.0.1:\(port)", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13",
        ]
        for (name, value) in headers { fields[name] = value }
        var request = "GET \(path) HTTP/1.1\r\n"
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let value { request += "\(name): \(value)\r\n" }
        }
        request += "\r\n"
        let connection = try TCPConnection(port: port, host: host, timeout: timeout)
        try connection.send(request)
        let reply = try RawHTTP.read(from: connection)
        guard reply.status == 101 else { return (nil, reply) }
        return (RawWebSocket(connection: connection, handshake: reply), reply)
    }

    /// Opens `/echo` (or `path`) and fails the test's call when the server does not answer 101.
    /// `timeout` bounds each send and read after the handshake; the handshake itself may take `patience`,
    /// because a loaded machine (CI) can be slow to start a handler.
    static func open(port: Int, path: String = "/echo", headers: [String: String?] = [:], timeout: TimeInterval = patience) throws -> RawWebSocket {
        let (socket, reply) = try handshake(port: port, path: path, headers: headers, timeout: max(timeout, patience))
        guard let socket else {
            throw TCPConnection.Failure(description: "expected 101, got \(reply.status): \(reply.text)")
        }
        socket.connection.setTimeout(timeout)
        return socket
    }

    func send(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv1: Bool = false) throws {
        try connection.send(Self.frame(opcode: opcode, payload: payload, fin: fin, masked: masked, rsv1: rsv1))
    }

    /// A client frame's bytes, for tests that choose how they are cut into writes.
    static func frame(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv1: Bool = false) -> [UInt8] {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        switch payload.count {
        case ..<126: frame.append(maskBit | UInt8(payload.count))
        case ..<65536: frame += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
        default: frame.append(maskBit | 127); frame += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xff) }
        }
        if masked {
            let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
            frame += mask
            frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        } else {
            frame += payload
        }
        return frame
    }

    func send(text: String) throws { try send(opcode: Self.text, payload: Array(text.utf8)) }
    func send(binary: [UInt8]) throws { try send(opcode: Self.binary, payload: binary) }

    func sendClose(code: Int = 1000, reason: String = "") throws {
        try send(opcode: Self.close, payload: [UInt8(code >> 8), UInt8(code & 0xff)] + Array(reason.utf8))
    }

    func receive() throws -> Frame {
        let head = try connection.read(count: 2)
        var length = Int(head[1] & 0x7f)
        if length == 126 {
            let bytes = try connection.read(count: 2)
            length = Int(bytes[0]) << 8 | Int(bytes[1])
        } else if length == 127 {
            length = try connection.read(count: 8).reduce(0) { $0 << 8 | Int($1) }
        }
        let mask = head[1] & 0x80 != 0 ? try connection.read(count: 4) : nil
        var payload = try connection.read(count: length)
        if let mask { payload = payload.enumerated().map { $0.element ^ mask[$0.offset % 4] } }
        return Frame(fin: head[0] & 0x80 != 0, rsv1: head[0] & 0x40 != 0, opcode: head[0] & 0x0f, payload: payload)
    }

    /// The next data or close frame, answering pings on the way; throws when none has come
    /// within `patience`, however many pings did (the server's keep-alive pings would otherwise
    /// keep a test waiting for a message that never comes for ever).
    func receiveMessage() throws -> Frame {
        let deadline = Date().addingTimeInterval(patience)
        while true {
            let frame = try receive()
            if frame.opcode == Self.ping || frame.opcode == Self.pong {
                guard Date() < deadline else { throw TCPConnection.Failure(description: "only pings and pongs for \(Int(patience)) s, no message") }
                if frame.opcode == Self.ping { try send(opcode: Self.pong, payload: frame.payload) }
                continue
            }
            return frame
        }
    }
}

/// Sends chunk after chunk until a send times out (every buffer on the way is full), `seconds`
/// pass, or `limit` bytes went out; returns how many did. `sendChunk` sends one and returns its size.
func flood(seconds: TimeInterval, limit: Int, _ sendChunk: () throws -> Int) -> Int {
    var sent = 0
    let start = Date()
    while Date().timeIntervalSince(start) < seconds, sent < limit {
        guard let size = try? sendChunk() else { break }
        sent += size
    }
    return sent
}
