import Foundation

/// Per-handler settings, written as a comment near the top of the handler file:
///
///     # wsdev: broadcast messages=json protocols=chat,superchat
///
/// - `broadcast`: one shared process for every client of the endpoint (a chat room).
/// - `messages=lines` (default): a text message is one stdin line; each stdout line is a text message.
/// - `messages=json`: each line is a JSON object, so binary data and chosen close codes are possible:
///   `{"type":"text","data":"hi"}`, `{"type":"binary","data":"<base64>"}`, `{"type":"close","code":4000,"reason":"bye"}`.
/// - `protocols=a,b`: the subprotocols the handler speaks; the first one the client offers is selected.
public struct HandlerDirectives: Equatable, Sendable {
    public enum MessageFormat: String, Sendable { case lines, json }

    public var broadcast = false
    public var messages = MessageFormat.lines
    public var protocols: [String] = []
    /// Words in a `wsdev:` line that mean nothing to us, reported so typos do not pass silently.
    public var unknown: [String] = []

    public init() {}

    /// Reads the first 4 KiB of `file`; only lines that contain `wsdev:` count.
    public static func read(from file: String) -> HandlerDirectives {
        guard let handle = FileHandle(forReadingAtPath: file) else { return HandlerDirectives() }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        return parse(head)
    }

    package static func parse(_ text: String) -> HandlerDirectives {
        var directives = HandlerDirectives()
        // Split on Unicode scalars, not Characters: "\r\n" is one Character, so a file saved with
        // CRLF line ends was one line whose words ran into each other ("broadcast\r\nexec"), and a
        // prepended mark (U+0600-U+0605) swallows the comma or space after it.
        for line in text.unicodeScalars.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).prefix(40) {
            let line = String(line)
            guard let marker = line.range(of: "wsdev:") else { continue }
            for word in String(line[marker.upperBound...]).unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                let parts = word.split(separator: "=", maxSplits: 1)
                // A word that is only "=" splits into nothing: an unknown word, reported as such.
                switch (parts.first.map(String.init) ?? "", parts.count > 1 ? parts[1] : nil) {
                case ("broadcast", nil): directives.broadcast = true
                case ("messages", let value?) where MessageFormat(rawValue: String(value)) != nil: directives.messages = MessageFormat(rawValue: String(value))!
                case ("protocols", let value?): directives.protocols = value.split(separator: ",").map(String.init)
                default: directives.unknown.append(String(word))
                }
            }
        }
        return directives
    }
}
