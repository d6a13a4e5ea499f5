/// The startup text: where to point the browser, what is served, which sockets exist.
enum Banner {
    static func text(root: String, hosts: [String], port: Int, endpoints: [(path: String, summary: String)], loopbackDefault: Bool) -> String {
        let display = loopbackDefault ? "localhost" : (hosts.first.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "localhost")
        var lines = ["wsdev \(WSDev.version) serving \(root)"]
        let bound = hosts.map { $0.contains(":") ? "[\($0)]" : $0 }.joined(separator: " and ")
        lines.append("  http://\(display):\(port)/   (listening on \(bound) port \(port))")
        if hosts.contains("0.0.0.0") || hosts.contains("::") {
            lines.append("  listening on every network interface: anyone who can reach this machine can open these URLs")
        }
        if endpoints.isEmpty {
            lines.append("  no WebSocket endpoints")
        } else {
            lines.append("  WebSocket endpoints:")
            let width = endpoints.map { "ws://\(display):\(port)\($0.path)".count }.max() ?? 0
            for endpoint in endpoints {
                let url = "ws://\(display):\(port)\(endpoint.path)"
                lines.append("    " + url + String(repeating: " ", count: width - url.count + 2) + endpoint.summary)
            }
        }
        lines.append("  Ctrl-C stops the server.")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Facts about the product itself.
public enum WSDev {
    public static let version = "0.1.0"
}
