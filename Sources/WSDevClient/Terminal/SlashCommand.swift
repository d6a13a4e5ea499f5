import WSWire

/// What a line typed in interactive mode asks for. A line starting with `/` is a command;
/// `//text` sends `/text`. In pipe mode every line is a message, whatever it starts with.
enum SlashCommand: Equatable {
    case message(String)
    case binary([UInt8])
    case ping(String)
    case close(code: UInt16, reason: String)
    case help
    /// A command that cannot be carried out, and why.
    case mistake(String)

    static let helpText = """
        /ping [TEXT]            ping the server (its pong shows the round trip)
        /close [CODE [REASON]]  close the connection (default 1000); /quit, Ctrl-D and Ctrl-C close with 1000
        /binary HEX             send a binary message, e.g. /binary 48 69 21
        /text TEXT or //TEXT    send text that starts with /
        """

    init(line: String) {
        guard line.hasPrefix("/") else { self = .message(line); return }
        if line.hasPrefix("//") { self = .message(String(line.dropFirst())); return }
        let words = line.dropFirst().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let rest = words.count > 1 ? String(words[1]) : ""
        switch words.first.map(String.init) ?? "" {
        case "ping": self = .ping(rest)
        case "text": self = .message(rest)
        case "quit", "exit": self = .close(code: CloseCode.normal, reason: "")
        case "help", "?": self = .help
        case "binary", "bin":
            guard let bytes = HexBytes.parse(rest) else {
                self = .mistake("/binary takes bytes in hexadecimal, two digits each, e.g. /binary 48 69 21")
                return
            }
            self = .binary(bytes)
        case "close":
            let parts = rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let first = parts.first else { self = .close(code: CloseCode.normal, reason: ""); return }
            guard let code = UInt16(first), CloseCode.isSendable(code) else {
                self = .mistake("/close \(first): a close frame may carry 1000–1003, 1007–1014 or 3000–4999 (RFC 6455 §7.4), e.g. /close 1000 bye or /close 4000 done")
                return
            }
            let reason = parts.count > 1 ? String(parts[1]) : ""
            guard reason.utf8.count <= 123 else {
                self = .mistake("the close reason is \(reason.utf8.count) bytes; a close frame holds at most 123")
                return
            }
            self = .close(code: code, reason: reason)
        default:
            self = .mistake("\(line.split(separator: " ").first ?? "") is not a command; /help lists them, and //TEXT sends text that starts with /")
        }
    }
}
