#if canImport(Glibc)
import Glibc
#endif

/// The terminal switched to reading key by key without echo (so `LineEditor` owns the line),
/// and back as it was when the session ends, however it ends.
final class TerminalMode {
    private var saved = termios()
    private let descriptor: Int32
    private var active = false

    init(descriptor: Int32 = 0) {
        self.descriptor = descriptor
    }

    func enterRaw() {
        guard tcgetattr(descriptor, &saved) == 0 else { return }
        var raw = saved
        // No line discipline, echo or signals from keys (Ctrl-C closes the WebSocket instead);
        // output processing stays on, so "\n" still starts a new line at the left margin.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        // TCSANOW, not TCSAFLUSH: keys typed before this moment are kept for the editor.
        active = tcsetattr(descriptor, TCSANOW, &raw) == 0
    }

    func restore() {
        guard active else { return }
        active = false
        tcsetattr(descriptor, TCSAFLUSH, &saved)
    }

    deinit { restore() }

    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }
}
