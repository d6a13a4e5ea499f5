/// The banner's console lines: the URL for this machine and, when other devices can reach the
/// server, the URL with the token they need (a browser on this machine that uses a network
/// address is, to the server, another device too).
enum ConsoleBanner {
    static func lines(port: Int, host: String?, lan: Bool, token: String, networkAddresses: () -> [String] = NetworkAddresses.lanIPv4) -> [String] {
        let everywhere = lan || host == "0.0.0.0" || host == "::"
        var lines: [String] = []
        var remote: [String] = []
        switch host {
        case nil, "localhost":
            lines.append(local("localhost", port))
        case let host? where ConsoleAccess.isLoopback(host):
            lines.append(local(host.contains(":") ? "[\(host)]" : host, port))
        case _ where everywhere:
            lines.append(local("localhost", port))
            remote = networkAddresses()
        case let host?:
            remote = [host.contains(":") ? "[\(host)]" : host]
        }
        if lan { remote = networkAddresses() }
        for address in remote {
            lines.append("  console from another device: http://\(address):\(port)/__wsdev/?token=\(token)   (keep the token to yourself)")
        }
        return lines
    }

    private static func local(_ host: String, _ port: Int) -> String {
        "  console: http://\(host):\(port)/__wsdev/   (every connection and message, live)"
    }
}
