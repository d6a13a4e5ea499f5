/// The banner's console lines: the URL for this machine and, when other devices can reach the
/// server, the URL with the token they need.
enum ConsoleBanner {
    static func lines(port: Int, host: String?, lan: Bool, token: String, networkAddresses: () -> [String] = NetworkAddresses.lanIPv4) -> [String] {
        var lines = ["  console: http://localhost:\(port)/__wsdev/   (every connection and message, live)"]
        let everywhere = lan || host == "0.0.0.0" || host == "::"
        let remote: [String]
        if everywhere {
            remote = networkAddresses()
        } else if let host, host != "localhost", !ConsoleAccess.isLoopback(host) {
            remote = [host.contains(":") ? "[\(host)]" : host]
        } else {
            remote = []
        }
        for address in remote {
            lines.append("  console from another device: http://\(address):\(port)/__wsdev/?token=\(token)   (keep the token to yourself)")
        }
        return lines
    }
}
