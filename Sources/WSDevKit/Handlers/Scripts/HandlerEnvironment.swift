import Foundation
import WSWire

/// The environment a handler process starts with: CGI and websocketd names, so existing
/// scripts port over, plus a few of the server's own variables they need to run at all.
///
/// Built as `NAME=value` entries, the form `execve` takes: a dictionary, and then its entries,
/// cost a script handler's connection a fifth of wsdev's own work (callgrind, script churn).
enum HandlerEnvironment {
    static func variables(for info: ConnectionInfo, scriptName: String) -> [String] {
        var entries = constant
        entries.reserveCapacity(constant.count + 16 + info.rawHeaders.count)
        entries.append("SERVER_NAME=" + serverName(info.authority))
        entries.append("SERVER_PORT=" + String(info.localPort))
        entries.append("REQUEST_URI=" + (info.query.isEmpty ? info.path : info.path + "?" + info.query))
        entries.append("SCRIPT_NAME=" + scriptName)
        entries.append("PATH_INFO=" + info.path.dropFirst(min(scriptName.count, info.path.count)))
        entries.append("QUERY_STRING=" + info.query)
        let remote = info.remoteAddress
        entries.append("REMOTE_ADDR=" + remote)
        entries.append("REMOTE_HOST=" + remote)
        entries.append("REMOTE_PORT=" + String(info.remotePort))
        let id = String(info.id)
        entries.append("UNIQUE_ID=" + id)
        entries.append("WSDEV_CONNECTION_ID=" + id)
        entries.append("WEBSOCKET_PROTOCOLS=" + info.offeredSubprotocols.joined(separator: ","))
        entries.append("WEBSOCKET_PROTOCOL=" + (info.subprotocol ?? ""))
        if let authority = info.authority { entries.append("HTTP_HOST=" + authority) }
        // Header names map to HTTP_ names no other entry has; a repeated field is joined with ", ".
        let headers = entries.count
        var names: [String] = []
        for (name, value) in info.rawHeaders where !ASCIICase.equals(name, "host") {
            let cgi = cgiName(name)
            if let earlier = names.firstIndex(of: cgi) {
                entries[headers + earlier] += ", " + value
            } else {
                names.append(cgi)
                entries.append(cgi + "=" + value)
            }
        }
        return entries
    }

    /// The same for every connection: fixed values, and the server's own variables a handler
    /// needs to run at all, read once (the environment does not change while wsdev runs).
    private static let constant: [String] = {
        var entries = [
            "GATEWAY_INTERFACE=websocketd-CGI/0.1",
            "SERVER_SOFTWARE=wsdev/\(WSDev.version)",
            "SERVER_PROTOCOL=HTTP/1.1",
            "REQUEST_METHOD=GET",
            // Python buffers stdout when it is a pipe; unbuffered, each print reaches the client at once.
            "PYTHONUNBUFFERED=1",
        ]
        let environment = ProcessInfo.processInfo.environment
        for name in ["PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PYTHONPATH"] {
            if let value = environment[name] ?? (name == "PATH" ? "/usr/local/bin:/usr/bin:/bin" : nil) {
                entries.append(name + "=" + value)
            }
        }
        return entries
    }()

    /// `Sec-WebSocket-Key` → `HTTP_SEC_WEBSOCKET_KEY`, on bytes (CGI's rule: upper case, `-` → `_`).
    static func cgiName(_ field: String) -> String {
        var bytes = Array("HTTP_".utf8)
        bytes.reserveCapacity(5 + field.utf8.count)
        for byte in field.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(byte - 32)
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "_"))
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "localhost:9998" → "localhost"; "[::1]:9998" → "::1".
    static func serverName(_ authority: String?) -> String {
        guard let authority else { return "localhost" }
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        let host = authority.utf8.firstIndex(of: UInt8(ascii: ":")).map { authority[..<$0] } ?? authority[...]
        return host.isEmpty ? "localhost" : String(host)
    }
}
