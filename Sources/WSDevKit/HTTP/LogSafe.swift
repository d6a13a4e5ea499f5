extension StringProtocol {
    /// This text as a log line may show it: control characters (C0, DEL and C1) written as
    /// `\u{9B}`. The log is a terminal, and text a client chose (an Origin, a Host, a path) could
    /// otherwise move the cursor, clear the screen, retitle the window or forge a line of its own.
    var loggable: String {
        // Nearly all text has none: one pass over the bytes, and no new string. 0xC2 leads every
        // C1 character in UTF-8 (and some harmless ones, which the slow pass leaves alone).
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return String(self) }
        var escaped = ""
        escaped.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
