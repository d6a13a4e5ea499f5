/// A `ws://host[:port]/path?query` address, as `wsdev connect` takes it. `localhost:9998/echo`
/// without a scheme means `ws://`, as wscat reads it; other schemes get a message naming the fix.
public struct WebSocketURL: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// Path and query, as sent in the request line.
    public let resource: String

    public init(parsing text: String) throws(ClientError) {
        var rest = Substring(text.trimmingSpaces)
        if let scheme = rest.range(of: "://") {
            let name = rest[..<scheme.lowerBound].lowercased()
            switch name {
            case "ws": break
            case "wss":
                throw ClientError(
                    "\(text): wss:// needs TLS, which wsdev does not have yet. A wsdev server speaks plain ws://: "
                        + "try \(Self.replacingScheme(of: text, with: "ws")). For another server's wss:// address use websocat or wscat.")
            case "http", "https":
                throw ClientError(
                    "\(text) is a web page's address; a WebSocket's starts with ws://. Try \(Self.replacingScheme(of: text, with: "ws")).")
            default:
                throw ClientError("\(text): wsdev connect speaks ws:// only, not \(name)://. Give an address such as ws://localhost:9998/echo.")
            }
            rest = rest[scheme.upperBound...]
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var resource = String(rest.dropFirst(authority.count).prefix { $0 != "#" })
        if resource.isEmpty || resource.hasPrefix("?") { resource = "/" + resource }
        var host = Substring(authority)
        var portText: Substring?
        if authority.hasPrefix("[") {  // [::1]:9998
            guard let close = authority.firstIndex(of: "]") else { throw ClientError("\(text): the IPv6 address has no closing ]; write it as ws://[::1]:9998/echo.") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw ClientError("\(text): unexpected '\(after)' after the IPv6 address; write it as ws://[::1]:9998/echo.")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }  // user:password@ is not sent
        guard !host.isEmpty else { throw ClientError("\(text) names no host. Give one, e.g. ws://localhost:9998/echo.") }
        var port = 80
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw ClientError("\(text): '\(portText)' is not a port. Give a number from 1 to 65535, e.g. ws://localhost:9998/echo.")
            }
            port = number
        }
        self.host = String(host)
        self.port = port
        self.resource = resource
    }

    /// The `Host` header: IPv6 literals in brackets, the port unless it is ws://'s 80.
    public var hostHeader: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? shown : "\(shown):\(port)"
    }

    public var description: String { "ws://\(hostHeader)\(resource)" }

    private static func replacingScheme(of text: String, with scheme: String) -> String {
        guard let separator = text.range(of: "://") else { return text }
        return scheme + text[separator.lowerBound...]
    }
}

extension String {
    var trimmingSpaces: Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
