import Foundation
import Logging
import Synchronization

/// Log lines for people: `20:31:02 GET / 200 1024 B 0.3 ms`. Warnings and errors go to stderr.
public struct ConsoleLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let prefix: String
    /// Colours per stream: a terminal gets them, a pipe or a file does not (`TerminalColour`).
    private let colourOut: Bool
    private let colourErr: Bool

    public init(level: Logger.Level, prefix: String = "") {
        self.logLevel = level
        self.prefix = prefix
        self.colourOut = TerminalColour.isWanted(on: 1)
        self.colourErr = TerminalColour.isWanted(on: 2)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let clock = String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
        let toError = event.level >= .warning
        let colour = toError ? colourErr : colourOut
        var tag = ""
        if toError {
            tag = TerminalColour.paint(event.level == .warning ? "warning:" : "error:", event.level == .warning ? 33 : 31, on: colour) + " "
        }
        let message = colour ? Self.paintStatus("\(event.message)") : "\(event.message)"
        Console.write("\(TerminalColour.paint(clock, 2, on: colour)) \(prefix)\(tag)\(message)\n", toError: toError)
    }

    /// An access line's status in the colour of its class: `GET / 200 …` green, 3xx cyan, 4xx yellow, 5xx red.
    static func paintStatus(_ line: String) -> String {
        let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard words.count >= 3, words[0].allSatisfy({ $0.isUppercase }), words[2].count == 3, let status = Int(words[2]), (100...599).contains(status) else {
            return line
        }
        let code = [2: 32, 3: 36, 4: 33, 5: 31][status / 100] ?? 0
        let rest = words.count > 3 ? " " + words[3] : ""
        return "\(words[0]) \(words[1]) " + TerminalColour.paint(String(status), code, on: true) + rest
    }
}

/// Serialised writes, so lines from many connections never interleave.
public enum Console {
    private static let lock = Mutex(())

    public static func write(_ text: String, toError: Bool = false) {
        lock.withLock { _ in
            var text = text
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(toError ? 2 : 1, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
