extension AllowedHosts {
    /// Why `value` cannot be given to `--allowed-host`, saying what to give instead; nil when it can.
    /// A URL or a port is the usual slip: the check compares names only, ports never.
    public static func problem(with value: String) -> String? {
        if value == "any" || isName(value.hasPrefix(".") ? String(value.dropFirst()) : value) { return nil }
        let example = suggestion(for: value).map { "--allowed-host \($0)" } ?? "--allowed-host example.test"
        return "--allowed-host '\(value)' is not a host name: give the name alone, without scheme, port or path, as in \(example) "
            + "(a leading dot, .example.test, also allows its subdomains; any turns the check off)."
    }

    private static func isName(_ text: String) -> Bool {
        guard !text.contains(":") else { return false }
        var text = text
        return text.withUTF8 { HostHeader.read($0) != nil }
    }

    /// `http://Evil.example:80/x` → `evil.example`, when that is a name.
    private static func suggestion(for value: String) -> String? {
        var text = Substring(value)
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        text = text.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = text.lastIndex(of: "@") { text = text[text.index(after: at)...] }
        if !text.hasPrefix("["), let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        let name = canonical(text)
        return isName(name) ? name : nil
    }
}
