import NIOCore

/// Something the load generator cannot do, said so that the user knows what to change.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Where the load goes: a `ws://host:port/path` URL, resolved once, and the local addresses to
/// connect from (several loopback sources multiply the ephemeral ports available to churn).
public struct BenchTarget: Sendable {
    public let url: String
    public let host: String
    public let port: Int
    /// Path and query as sent in the request line.
    public let resource: String
    let address: SocketAddress
    let sources: [SocketAddress]

    public init(url: String, sources: [String] = []) throws(BenchError) {
        guard url.hasPrefix("ws://") else {
            throw BenchError("\(url): only ws:// URLs are supported (wss:// would measure TLS, not the server)")
        }
        let rest = url.dropFirst("ws://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var resource = String(rest.dropFirst(authority.count))
        if resource.isEmpty || resource.hasPrefix("?") { resource = "/" + resource }
        var host = String(authority)
        var port = 80
        if authority.hasPrefix("[") {  // [::1]:9998
            guard let close = authority.firstIndex(of: "]") else { throw BenchError("\(url): unclosed [ in the host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { throw BenchError("\(url): bad port") }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]) else { throw BenchError("\(url): bad port") }
            port = number
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw BenchError("\(url): needs a host and a port in 1...65535") }
        self.url = url
        self.host = host
        self.port = port
        self.resource = resource
        do {
            address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            self.sources = try sources.map { try SocketAddress(ipAddress: $0, port: 0) }
        } catch {
            throw BenchError("\(url): cannot resolve \(host) or a --source address: \(error)")
        }
    }

    /// The `Host` header: brackets around IPv6 literals, the port always (it is never 80 in practice).
    var hostHeader: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    func source(_ index: Int) -> SocketAddress? { sources.isEmpty ? nil : sources[index % sources.count] }
}
