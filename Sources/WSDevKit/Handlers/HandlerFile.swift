import Foundation

/// One file in the handlers folder and the endpoint paths it answers.
struct HandlerFile: Equatable {
    enum Kind: Equatable {
        /// Any executable: websocketd-style, one process per connection (or broadcast).
        case script
        /// `NAME_wsh.py`: a pywebsocket handler, run through the bundled bridge.
        case pywebsocket
    }

    let path: String
    /// Relative to the handlers folder, e.g. "games/dice.py".
    let relative: String
    let kind: Kind
    /// Changes whenever the file is edited, replaced or chmod-ed.
    let signature: String

    /// `count.sh` → `/count` and `/count.sh`; `games/dice.py` → `/games/dice` and `/games/dice.py`;
    /// `chat_wsh.py` → `/chat`.
    var endpointPaths: [String] {
        let url = "/" + relative
        switch kind {
        case .pywebsocket: return [String(url.dropLast("_wsh.py".count))]
        case .script:
            let name = (relative as NSString).lastPathComponent
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return [url] }
            return [String(url.dropLast(name.distance(from: dot, to: name.endIndex))), url]
        }
    }

    /// Files that are documentation, editor leftovers or build output, not handlers.
    static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("#") || name.hasSuffix("~") || name == "4913" { return true }
        let lower = name.lowercased()
        if lower.hasPrefix("readme") || lower.hasPrefix("license") { return true }
        return [".md", ".txt", ".swp", ".swx", ".pyc", ".json", ".html", ".css", ".orig", ".bak", ".tmp"].contains { lower.hasSuffix($0) }
    }

    /// Why this file cannot run as a script handler, or nil when it can.
    static func problem(with path: String, displayName: String) -> String? {
        guard access(path, X_OK) == 0 else {
            return "it is not executable. Run: chmod +x \(displayName)"
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return "it cannot be read" }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 256)
        if head.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return nil }  // an ELF binary
        guard head.starts(with: Array("#!".utf8)) else {
            return "its first line is not a #! line naming the interpreter. Add one, e.g. #!/bin/sh or #!/usr/bin/env python3"
        }
        let line = String(decoding: head.prefix { $0 != 0x0A }.dropFirst(2), as: UTF8.self).trimmingCharacters(in: .whitespaces)
        let words = line.split(separator: " ").map(String.init)
        guard let interpreter = words.first else { return "its #! line names no interpreter" }
        if interpreter.hasSuffix("/env"), let program = words.dropFirst().first(where: { !$0.hasPrefix("-") }) {
            return findInPath(program) ? nil : "its #! line runs '\(program)', which is not installed (not found on PATH)"
        }
        return access(interpreter, X_OK) == 0 ? nil : "its #! line names \(interpreter), which does not exist or cannot run"
    }

    static func findInPath(_ program: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}
