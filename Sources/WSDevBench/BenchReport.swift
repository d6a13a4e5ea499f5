import Foundation

/// One run's figures: a JSON line for scripts and a sentence for people.
public struct BenchReport: Encodable, Sendable {
    public var mode: String
    public var url: String
    public var connections: Int
    public var size: Int?
    public var opcode: String?
    public var depth: Int?
    public var threads: Int
    public var seconds: Double
    /// Echoes counted in the window, and per second.
    public var messages: Int?
    public var msgsPerSecond: Double?
    /// Payload bytes echoed back per second (one direction), in MB (10^6 bytes).
    public var mbPerSecond: Double?
    /// Round trips in microseconds.
    public var p50Us: Double?
    public var p99Us: Double?
    public var p999Us: Double?
    public var maxUs: Double?
    public var meanUs: Double?
    /// Every echo checked byte for byte, and those that differed. Non-zero means corrupt data.
    public var verified: Int
    public var mismatches: Int
    public var firstMismatch: String?
    public var errors: Int
    public var firstError: String?
    /// hold: connections opened and answering; churn: completed cycles per second.
    public var opened: Int?
    public var answered: Int?
    public var openSeconds: Double?
    public var connectionsPerSecond: Double?
    public var cycleP50Us: Double?
    public var cycleP99Us: Double?
    /// Server process (and descendants) resident memory, KiB.
    public var serverRssBeforeKib: Int?
    public var serverRssHeldKib: Int?
    public var serverRssAfterKib: Int?
    public var serverRssPerConnKb: Double?
    /// CPU seconds spent during the measured part, and per message (µs) for the echo modes.
    public var serverCpuSeconds: Double?
    public var clientCpuSeconds: Double?
    public var serverCpuUsPerMsg: Double?
    public var clientCpuUsPerMsg: Double?
    /// stream: the server process's own CPU seconds in the window (its children, such as
    /// handler processes, not included), and the slowest connection's MB/s.
    public var serverOwnCpuSeconds: Double?
    public var slowestMbPerSecond: Double?
    /// large: a message was still outstanding `grace` seconds after the window; the figures are
    /// those of the echoes that completed (none: `seconds` is how long the last one was waited for).
    public var timedOut: Bool?

    init(plan: BenchPlan) {
        mode = plan.mode.rawValue
        url = plan.target.url
        connections = plan.connections
        threads = plan.threads
        seconds = plan.seconds
        verified = 0
        mismatches = 0
        errors = 0
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// Non-zero mismatches or errors: the figures are not to be trusted.
    public var clean: Bool { mismatches == 0 && errors == 0 }

    public var humanLine: String {
        var parts: [String] = []
        let what = [size.map { Self.bytes($0) }, opcode].compactMap { $0 }.joined(separator: " ")
        switch mode {
        case "hold":
            parts.append("hold \(connections) × \(what): \(opened ?? 0) opened, \(answered ?? 0) answered")
            if let perConnection = serverRssPerConnKb { parts.append(String(format: "server RSS %.1f KB/conn", perConnection)) }
            if let openSeconds { parts.append(String(format: "opened in %.2f s", openSeconds)) }
        case "churn":
            parts.append("churn \(connections) lanes: " + String(format: "%.0f conn/s", connectionsPerSecond ?? 0))
            if let p50 = cycleP50Us, let p99 = cycleP99Us { parts.append(String(format: "cycle p50 %.0f µs, p99 %.0f µs", p50, p99)) }
        case "stream":
            parts.append("stream \(connections) conn: " + String(format: "%.0f msg/s, %.1f MB/s", msgsPerSecond ?? 0, mbPerSecond ?? 0))
            if let slowest = slowestMbPerSecond { parts.append(String(format: "slowest connection %.1f MB/s", slowest)) }
            if let own = serverOwnCpuSeconds { parts.append(String(format: "server process CPU %.2f s", own)) }
        case "large":
            parts.append("large 1 conn × \(what): " + String(format: "%.2f msg/s, %.1f MB/s", msgsPerSecond ?? 0, mbPerSecond ?? 0))
            if timedOut == true { parts.append("timed out: a message was still outstanding when the grace period ended") }
        default:
            parts.append("\(mode) \(connections) conn × \(what), depth \(depth ?? 1): " + String(format: "%.0f msg/s, %.1f MB/s", msgsPerSecond ?? 0, mbPerSecond ?? 0))
        }
        if let p50 = p50Us, let p99 = p99Us, let p999 = p999Us {
            parts.append(String(format: "rtt p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs", p50, p99, p999))
        }
        if let server = serverCpuUsPerMsg, let client = clientCpuUsPerMsg {
            parts.append(String(format: "CPU/msg server %.2f µs, generator %.2f µs", server, client))
        }
        parts.append("\(verified) echoes verified, \(mismatches) mismatched, \(errors) errors")
        if let firstMismatch { parts.append("first mismatch: \(firstMismatch)") }
        if let firstError { parts.append("first error: \(firstError)") }
        return parts.joined(separator: "; ")
    }

    static func bytes(_ count: Int) -> String {
        count >= 1024 && count % 1024 == 0 ? "\(count / 1024) KiB" : "\(count) B"
    }

    mutating func fill(latency: LatencyHistogram) {
        func micro(_ value: UInt64?) -> Double? { value.map { (Double($0) / 1000 * 10).rounded() / 10 } }
        p50Us = micro(latency.value(atQuantile: 0.5))
        p99Us = micro(latency.value(atQuantile: 0.99))
        p999Us = micro(latency.value(atQuantile: 0.999))
        maxUs = latency.total > 0 ? micro(latency.maximum) : nil
        meanUs = latency.mean.map { ($0 / 100).rounded() / 10 }
    }

    mutating func fill(tally: LoopTally.Snapshot) {
        verified = tally.echoes
        mismatches = tally.mismatches
        firstMismatch = tally.firstMismatch
        errors += tally.errors
        firstError = firstError ?? tally.firstError
    }
}
