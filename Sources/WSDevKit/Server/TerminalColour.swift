import Foundation

/// Whether output to a descriptor gets colour: only a terminal, never with `NO_COLOR` set
/// (no-color.org) or on a `TERM=dumb` terminal, so logs piped to a file stay plain text.
public enum TerminalColour {
    public static func isWanted(on descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let value = environment["NO_COLOR"], !value.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(descriptor) == 1
    }

    /// `text` in an SGR colour (31 red, 32 green, 33 yellow, 36 cyan, 1 bold, 2 dim) when `on`.
    static func paint(_ text: String, _ code: Int, on: Bool) -> String {
        on ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
