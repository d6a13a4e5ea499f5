import WSWire

/// What the client asks for in its opening handshake (RFC 6455 §4.1): where, from which page
/// (`Origin`), which subprotocols, and any extra header fields.
public struct ClientRequest: Sendable {
    public var url: WebSocketURL
    /// `Origin`, as a browser sends it for the page's site; none by default, as a program's client.
    public var origin: String?
    /// `Sec-WebSocket-Protocol`, in order of preference.
    public var protocols: [String] = []
    /// `-H 'Name: value'`; one named like a field of the handshake (Host, Origin) replaces it.
    public var headers: [(name: String, value: String)] = []

    public init(url: WebSocketURL, origin: String? = nil, protocols: [String] = [], headers: [(name: String, value: String)] = []) {
        self.url = url
        self.origin = origin
        self.protocols = protocols
        self.headers = headers
    }

    /// Parses `Name: value` as `-H` gives it; the message says how to write it otherwise.
    public static func header(parsing line: String) throws(ClientError) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: ":") else {
            throw ClientError("-H '\(line)': write a header as 'Name: value', e.g. -H 'Authorization: Bearer abc'.")
        }
        let name = String(line[..<colon]).trimmingSpaces
        let value = String(line[line.index(after: colon)...]).trimmingSpaces
        let token = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) }
        guard !name.isEmpty, token else {
            throw ClientError("-H '\(line)': '\(name)' is not a header name (letters, digits and - only). Write 'Name: value'.")
        }
        guard !value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw ClientError("-H '\(line)': a header value cannot hold a line break.")
        }
        return (String(name), String(value))
    }

    /// The request's bytes for a given `Sec-WebSocket-Key`.
    func text(key: String) -> String {
        var fields: [(String, String)] = [("Host", url.hostHeader)]
        if let origin { fields.append(("Origin", origin)) }
        fields += [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13")]
        if !protocols.isEmpty { fields.append(("Sec-WebSocket-Protocol", protocols.joined(separator: ", "))) }
        for header in headers {
            fields.removeAll { $0.0.lowercased() == header.name.lowercased() }
        }
        fields += headers.map { ($0.name, $0.value) }
        return "GET \(url.resource) HTTP/1.1\r\n" + fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
    }

    /// A fresh `Sec-WebSocket-Key`: 16 random bytes in base64.
    static func makeKey() -> String {
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        return String(decoding: Base64.encode(bytes), as: UTF8.self)
    }
}
