/// The line being typed in interactive mode, kept here rather than by the terminal's own line
/// discipline so that a message arriving mid-line can be printed above it and the line redrawn.
/// Knows Enter, Backspace, Ctrl-U, Ctrl-W, Ctrl-C, Ctrl-D, and Up/Down through earlier lines.
struct LineEditor {
    enum Action: Equatable {
        case none
        /// The line changed: redraw it.
        case redraw
        case submit(String)
        /// Ctrl-D on an empty line: the user is done.
        case endOfInput
        /// Ctrl-C.
        case interrupt
    }

    private(set) var line: [UInt8] = []
    private var history: [[UInt8]] = []
    private var historyIndex: Int?
    /// Bytes of an escape sequence (arrow keys) read so far.
    private var escape: [UInt8]?
    private var lastWasCR = false

    var text: String { String(decoding: line, as: UTF8.self) }

    mutating func feed(_ byte: UInt8) -> Action {
        defer { if byte != 0x0D { lastWasCR = false } }
        if escape != nil { return continueEscape(byte) }
        switch byte {
        case 0x0D, 0x0A:
            if byte == 0x0A && lastWasCR { return .none }  // a terminal that sends CR LF
            lastWasCR = byte == 0x0D
            let submitted = line
            if !submitted.isEmpty, history.last != submitted { history.append(submitted) }
            line = []
            historyIndex = nil
            return .submit(String(decoding: submitted, as: UTF8.self))
        case 0x03: return .interrupt
        case 0x04: return line.isEmpty ? .endOfInput : .none
        case 0x7F, 0x08:
            guard !line.isEmpty else { return .none }
            // One whole character: its continuation bytes (10xxxxxx), then its first byte.
            while let last = line.last, last & 0xC0 == 0x80 { line.removeLast() }
            if !line.isEmpty { line.removeLast() }
            return .redraw
        case 0x15:
            line = []
            return .redraw
        case 0x17:
            while line.last == 0x20 { line.removeLast() }
            while let last = line.last, last != 0x20 { line.removeLast() }
            return .redraw
        case 0x1B:
            escape = []
            return .none
        case 0x09, 0x20...0x7E, 0x80...0xFF:
            line.append(byte)
            return .redraw
        default:
            return .none
        }
    }

    /// ESC [ A and ESC [ B (or ESC O A/B) walk the history; other sequences are read and ignored.
    private mutating func continueEscape(_ byte: UInt8) -> Action {
        escape!.append(byte)
        let sequence = escape!
        if sequence.count == 1 {
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "O") { return .none }
            escape = nil
            return .none
        }
        guard (0x40...0x7E).contains(byte) else { return .none }
        escape = nil
        switch byte {
        case UInt8(ascii: "A"): return walkHistory(by: -1)
        case UInt8(ascii: "B"): return walkHistory(by: 1)
        default: return .none
        }
    }

    private mutating func walkHistory(by step: Int) -> Action {
        guard !history.isEmpty else { return .none }
        let next = (historyIndex ?? history.count) + step
        if next >= history.count {
            historyIndex = nil
            line = []
        } else {
            historyIndex = max(0, next)
            line = history[historyIndex!]
        }
        return .redraw
    }
}
