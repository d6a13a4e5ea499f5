import Foundation

/// Memory and CPU of a server process and its descendants, from `/proc` (Linux only), so a
/// benchmark can report RSS per connection and CPU per message of the server it loads.
/// Summing children matters for websocketd, which runs one `cat` per connection.
public struct ProcessProbe: Sendable {
    public let pid: Int32

    public init(pid: Int32) { self.pid = pid }

    /// VmRSS of the process and all its descendants, in KiB; nil when it is gone.
    public func residentKiB() -> Int? {
        let all = [pid] + Self.descendants(of: pid)
        var total = 0
        var any = false
        for process in all {
            guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { continue }
            for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
                if let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
                    total += kib
                    any = true
                }
            }
        }
        return any ? total : nil
    }

    /// User plus system CPU seconds of the process and its living descendants (of the process
    /// alone with `descendants: false`).
    public func cpuSeconds(descendants: Bool = true) -> Double? {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        var any = false
        for process in [pid] + (descendants ? Self.descendants(of: pid) : []) {
            guard let stat = try? String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after "pid (comm)": state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / ticks
            any = true
        }
        return any ? total : nil
    }

    /// CPU seconds this process (the generator) has used.
    public static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF_VALUE, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    #if canImport(Glibc)
    private static let RUSAGE_SELF_VALUE = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    private static let RUSAGE_SELF_VALUE = RUSAGE_SELF
    #endif

    static func descendants(of pid: Int32) -> [Int32] {
        var result: [Int32] = []
        var queue = [pid]
        while let next = queue.popLast() {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(next)/task")) ?? []
            for task in tasks {
                guard let text = try? String(contentsOfFile: "/proc/\(next)/task/\(task)/children", encoding: .utf8) else { continue }
                let children = text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                result += children
                queue += children
            }
        }
        return result
    }
}
