import WSWire

/// The server's answer to the opening handshake: a `101` that must say the right things
/// (RFC 6455 §4.1, the client's checks), or a refusal, whose body wsdev fills with the reason.
struct HandshakeResponse {
    let status: Int
    let reasonPhrase: String
    let headers: [(name: String, value: String)]

    /// A response head longer than this is not a WebSocket server answering.
    static let maxHead = 64 * 1024

    /// Parses the head, up to and including its blank line; nil when it is not HTTP/1.x.
    init?(head: String) {
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return nil }
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else { return nil }
        self.status = status
        self.reasonPhrase = statusLine.count > 2 ? String(statusLine[2]) : ""
        self.headers = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(String(line[line.index(after: colon)...]).trimmingSpaces))
        }
    }

    subscript(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var contentLength: Int? { self["Content-Length"].flatMap { Int($0) } }

    /// Why this `101` cannot be used, or nil when it can; the selected subprotocol is `accepted`.
    func problem(key: String, offered: [String]) -> String? {
        guard status == 101 else { return nil }
        guard let upgrade = self["Upgrade"], upgrade.lowercased() == "websocket" else {
            return "the server switched protocols but not to websocket (Upgrade: \(self["Upgrade"] ?? "missing"))"
        }
        guard let connection = self["Connection"], connection.lowercased().split(separator: ",").contains(where: { String($0).trimmingSpaces == "upgrade" }) else {
            return "the server's 101 lacks Connection: Upgrade"
        }
        guard self["Sec-WebSocket-Accept"] == AcceptKey.value(for: key) else {
            return "the server's Sec-WebSocket-Accept does not match the key sent (it is not a WebSocket server, or a proxy changed the handshake)"
        }
        if let chosen = self["Sec-WebSocket-Protocol"], !offered.contains(chosen) {
            return "the server chose the subprotocol '\(chosen)', which was not offered (offered: \(offered.isEmpty ? "none" : offered.joined(separator: ", ")))"
        }
        if let extensions = self["Sec-WebSocket-Extensions"], !extensions.isEmpty {
            return "the server enabled the extension '\(extensions)', which was not offered"
        }
        return nil
    }

    /// The subprotocol the server selected, if any.
    var selectedProtocol: String? { self["Sec-WebSocket-Protocol"] }
}
