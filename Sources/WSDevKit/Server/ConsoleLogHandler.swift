import Foundation
import Logging
import Synchronization

/// Log lines for people: `20:31:02 GET / 200 1024 B 0.3 ms`. Warnings and errors go to stderr.
public struct ConsoleLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let prefix: String

    public init(level: Logger.Level, prefix: String = "") {
        self.logLevel = level
        self.prefix = prefix
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
        let tag = event.level >= .warning ? "\(event.level == .warning ? "warning" : "error"): " : ""
        Console.write("\(clock) \(prefix)\(tag)\(event.message)\n", toError: event.level >= .warning)
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
