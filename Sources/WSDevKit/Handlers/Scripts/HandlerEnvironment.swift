import Foundation
import WSWire

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
        for (name, value) in info.rawHeaders where !ASCIICase.equals(name, "host") {
            let name = cgiName(name)
            variables[name] = variables[name].map { $0 + ", " + value } ?? value
        }
        variables.merge(inherited) { _, server in server }
        return variables
    }

    /// The server's own variables a handler needs to run at all, read once: the environment does
    /// not change while wsdev runs, and reading all of it cost every handshake a dictionary.
    private static let inherited: [String: String] = {
        let environment = ProcessInfo.processInfo.environment
        var kept: [String: String] = [:]
        for name in ["PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PYTHONPATH"] {
            if let value = environment[name] { kept[name] = value }
        }
        kept["PATH"] = kept["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return kept
    }()

    /// `Sec-WebSocket-Key` → `HTTP_SEC_WEBSOCKET_KEY`, on bytes (CGI's rule: upper case, `-` → `_`).
    static func cgiName(_ field: String) -> String {
        var name = "HTTP_"
        name.reserveCapacity(5 + field.utf8.count)
        for byte in field.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): name.unicodeScalars.append(Unicode.Scalar(byte - 32))
            case UInt8(ascii: "-"): name.unicodeScalars.append("_")
            default: name.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return name
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
