import Foundation

/// The environment a handler process starts with: CGI and websocketd names, so existing
/// scripts port over, plus a few of the server's own variables they need to run at all.
enum HandlerEnvironment {
    static func variables(for info: ConnectionInfo, scriptName: String) -> [String: String] {
        var variables: [String: String] = [
            "GATEWAY_INTERFACE": "websocketd-CGI/0.1",
            "SERVER_SOFTWARE": "wsdev/\(WSDev.version)",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": serverName(info.authority),
            "SERVER_PORT": String(info.localPort),
            "REQUEST_METHOD": "GET",
            "REQUEST_URI": info.query.isEmpty ? info.path : info.path + "?" + info.query,
            "SCRIPT_NAME": scriptName,
            "PATH_INFO": String(info.path.dropFirst(min(scriptName.count, info.path.count))),
            "QUERY_STRING": info.query,
            "REMOTE_ADDR": info.remoteAddress,
            "REMOTE_HOST": info.remoteAddress,
            "REMOTE_PORT": String(info.remotePort),
            "UNIQUE_ID": String(info.id),
            "WSDEV_CONNECTION_ID": String(info.id),
            "WEBSOCKET_PROTOCOLS": info.offeredSubprotocols.joined(separator: ","),
            "WEBSOCKET_PROTOCOL": info.subprotocol ?? "",
            // Python buffers stdout when it is a pipe; unbuffered, each print reaches the client at once.
            "PYTHONUNBUFFERED": "1",
        ]
        if let authority = info.authority { variables["HTTP_HOST"] = authority }
        for field in info.headers {
            let name = "HTTP_" + field.name.canonicalName.uppercased().replacingOccurrences(of: "-", with: "_")
            variables[name] = variables[name].map { $0 + ", " + field.value } ?? field.value
        }
        let inherited = ProcessInfo.processInfo.environment
        for name in ["PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PYTHONPATH"] {
            if let value = inherited[name] { variables[name] = value }
        }
        variables["PATH"] = variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return variables
    }

    /// "localhost:9998" → "localhost"; "[::1]:9998" → "::1".
    static func serverName(_ authority: String?) -> String {
        guard let authority else { return "localhost" }
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        return String(authority.split(separator: ":").first ?? "localhost")
    }
}
