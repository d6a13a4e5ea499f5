/// Who may open the live console: it shows every message every client sends, so it is open to
/// this machine (loopback clients) and to other devices only with this run's console token,
/// which the banner prints. The token is not the live-reload token, which every page carries.
struct ConsoleAccess: Sendable {
    let token: String

    init(token: String = ConsoleAccess.newToken()) {
        self.token = token
    }

    static func newToken() -> String {
        (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
    }

    /// Whether a client at `address` (an IP address) that presented `presented` may look.
    func allows(address: String?, presented: String?) -> Bool {
        if let address, Self.isLoopback(address) { return true }
        guard let presented else { return false }
        // Every byte compared, so the time taken says nothing about how much of a guess was right.
        let given = Array(presented.utf8), expected = Array(token.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }

    /// The sentence a refused client reads.
    static func refusal(path: String) -> String {
        "The wsdev console at \(path) shows every client's messages, so it is open only to this machine. "
            + "From another device, open the console URL with the token that wsdev printed in its banner (/__wsdev/?token=…)."
    }
}
