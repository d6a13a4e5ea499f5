/// What to measure. `wsdev bench` fills it from the command line; defaults follow the mode.
public struct BenchPlan: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// N connections, each sending a message, waiting for its echo, sending the next: msg/s.
        case echo
        /// One connection, one message at a time: round-trip percentiles.
        case latency
        /// N connections × 64 KiB binary messages: MB/s.
        case bulk
        /// Open N connections, keep them, then one echo on each: how many answer, server RSS.
        case hold
        /// Connect, one echo, close handshake, again, over L lanes: connections/s.
        case churn
        /// One connection, one message of a fixed size at a time (64 KiB text by default): msg/s
        /// and MB/s from the echoes that completed, however slow; a message still outstanding
        /// `grace` seconds after the window is reported as timed out (`LargeRun`).
        case large
        /// N connections that only read what the server pushes: MB/s, summed (`StreamRun`).
        case stream
    }

    public var mode: Mode
    public var target: BenchTarget
    public var connections: Int
    /// Payload bytes per message.
    public var size: Int
    public var binary: Bool
    /// Measuring window (echo modes, churn); a time limit when `messages` is set.
    public var seconds: Double
    /// Total messages over all connections instead of a window.
    public var messages: Int?
    /// Messages in flight per connection; 1 = send, wait for the echo, send the next.
    public var depth: Int
    /// Seconds of traffic before the window opens, not counted.
    public var warmup: Double
    /// Event-loop threads of the generator.
    public var threads: Int
    /// Concurrent connection loops in churn.
    public var lanes: Int
    /// Connections being opened at once (hold, and the setup of the other modes).
    public var connectWindow: Int
    /// Seconds to let the server settle after all connections opened, before reading its RSS (hold).
    public var settle: Double
    /// large: how long past the window a message still outstanding is waited for.
    public var grace: Double
    /// The server's process id, to report its RSS and CPU (and its descendants').
    public var serverPID: Int32?
    public var maxMessage: Int
    /// churn through NIO channels (`Connector`) instead of plain sockets: the engine of the other
    /// modes, to cross-check the plain one, and the only one off Linux.
    public var channelChurn: Bool
    /// echo, latency and bulk through NIO channels (`Connector`, `EchoDriver`) instead of plain
    /// sockets (`EchoLoop`): to cross-check the plain engine, and the only one off Linux.
    public var channelEcho: Bool

    public init(mode: Mode, target: BenchTarget) {
        self.mode = mode
        self.target = target
        switch mode {
        case .echo: (connections, size, binary) = (50, 32, false)
        case .latency: (connections, size, binary) = (1, 32, false)
        case .bulk: (connections, size, binary) = (10, 64 * 1024, true)
        case .hold: (connections, size, binary) = (10_000, 32, false)
        case .churn: (connections, size, binary) = (8, 32, false)
        case .large: (connections, size, binary) = (1, 64 * 1024, false)
        // Size 0: messages of any size; otherwise every message must have exactly this many bytes.
        case .stream: (connections, size, binary) = (5, 0, false)
        }
        seconds = 5
        messages = nil
        depth = 1
        warmup = mode == .hold || mode == .churn ? 0 : 1
        threads = 2
        lanes = 8
        connectWindow = 128
        settle = 1
        grace = 10
        serverPID = nil
        maxMessage = 16 << 20
        #if os(Linux)
        channelChurn = false
        channelEcho = false
        #else
        channelChurn = true
        channelEcho = true
        #endif
    }

    /// The probe for `serverPID`, if any.
    var server: ProcessProbe? { serverPID.map(ProcessProbe.init(pid:)) }
}
