/// The startup text: where to point the browser, what is served, which sockets exist.
enum Banner {
    static func text(
        root: String, hosts: [String], port: Int, endpoints: [(path: String, summary: String)], loopbackDefault: Bool,
        notes: [String] = [], problems: [String] = [], colour: Bool = false
    ) -> String {
        let everywhere = hosts.contains("0.0.0.0") || hosts.contains("::")
        // On every interface the page is still at localhost here; the network URLs follow in `notes`.
        let display = loopbackDefault || everywhere ? "localhost" : (hosts.first.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "localhost")
        func paint(_ text: String, _ code: Int) -> String { TerminalColour.paint(text, code, on: colour) }
        var lines = [paint("wsdev \(WSDev.version)", 1) + " serving \(root)"]
        let bound = hosts.map { $0.contains(":") ? "[\($0)]" : $0 }.joined(separator: " and ")
        lines.append("  " + paint("http://\(display):\(port)/", 36) + "   (listening on \(bound) port \(port))")
        if everywhere {
            lines.append("  " + paint("listening on every network interface: anyone who can reach this machine can open these URLs", 33))
        }
        if endpoints.isEmpty {
            lines.append("  no WebSocket endpoints")
        } else {
            lines.append("  WebSocket endpoints:")
            let shown = EndpointTable.withoutAliases(endpoints)
            let width = shown.map { "ws://\(display):\(port)\($0.path)".count }.max() ?? 0
            for endpoint in shown {
                let url = "ws://\(display):\(port)\(endpoint.path)"
                lines.append("    " + paint(url, 36) + String(repeating: " ", count: width - url.count + 2) + endpoint.summary)
            }
        }
        lines += problems.map { "  " + paint("! " + $0, 31) }
        lines += notes
        lines.append("  Ctrl-C stops the server.")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Facts about the product itself.
public enum WSDev {
    public static let version = "0.1.0"
}
