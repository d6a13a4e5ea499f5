import ArgumentParser
import Foundation
import WSDevBench
import WSDevKit

extension BenchPlan.Mode: ExpressibleByArgument {}

/// `wsdev bench URL`: load a WebSocket echo endpoint (ours, or anyone's) and check every byte.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load a WebSocket echo endpoint and report throughput, latency and errors.",
        discussion: """
            Every echoed message is checked byte for byte; any difference is counted as a mismatch and
            the command exits 1. Prints one human line and one JSON line.

            Modes (defaults in brackets):
              echo     N connections send, wait for the echo, send the next [50 × 32 B text]: msg/s, p50/p99
              latency  one connection, one message at a time [32 B text]: p50/p99/p99.9 in µs
              bulk     N connections of large binary messages [10 × 64 KiB]: MB/s
              hold     open N connections, keep them, then one echo on each [10000]: answered, server RSS
              churn    connect, one echo, close handshake, repeat over L lanes [8]: connections/s
              large    one connection, one message at a time [64 KiB text]: msg/s and MB/s from the
                       echoes that completed, however slow; one still outstanding --grace seconds
                       after the window is reported as timed out
              stream   N connections that only read what the server pushes [5]: MB/s summed; -s N
                       checks that every message has N bytes

            Examples:
              wsdev bench ws://127.0.0.1:9998/echo
              wsdev bench ws://127.0.0.1:9998/echo --mode latency --seconds 10
              wsdev bench ws://127.0.0.1:9998/echo --mode hold -c 10000 --server-pid $(pgrep -n wsdev)
              wsdev bench ws://127.0.0.1:9998/echo --mode churn --source 127.0.0.1,127.0.0.2,127.0.0.3
              wsdev bench ws://127.0.0.1:9998/cat --mode large -s 1M
              wsdev bench ws://127.0.0.1:9998/stream --mode stream -c 5 -s 1000
            """
    )

    @Argument(help: "The endpoint, e.g. ws://127.0.0.1:9998/echo.")
    var url: String = "ws://127.0.0.1:9998/echo"

    @Option(name: .shortAndLong, help: "echo, latency, bulk, hold, churn, large or stream.")
    var mode: BenchPlan.Mode = .echo

    @Option(name: .shortAndLong, help: "Connections (echo, bulk, hold, stream).")
    var connections: Int?

    @Option(name: .shortAndLong, help: ArgumentHelp("Message payload size, e.g. 32, 64K.", valueName: "size"))
    var size: ByteSize?

    @Flag(name: .customLong("binary"), help: "Send binary messages (the default for bulk).")
    var binary = false

    @Flag(name: .customLong("text"), help: "Send text messages (the default otherwise).")
    var text = false

    @Option(name: [.customShort("t"), .long], help: "Measuring window in seconds; with --messages, a time limit.")
    var seconds: Double = 5

    @Option(name: [.customShort("n"), .long], help: "Send this many messages in all instead of running for a time.")
    var messages: Int?

    @Option(help: "Messages in flight per connection (1: send, wait for the echo, send the next).")
    var depth: Int = 1

    @Option(help: "Seconds of traffic before the window opens (not counted).")
    var warmup: Double?

    @Option(help: "Generator event-loop threads.")
    var threads: Int = 2

    @Option(help: "Concurrent connect-echo-close loops (churn).")
    var lanes: Int = 8

    @Option(help: ArgumentHelp("Local addresses to connect from, comma-separated (e.g. 127.0.0.1,127.0.0.2).", valueName: "addrs"))
    var source: String?

    @Option(help: "Handshakes under way at once while opening connections.")
    var connectWindow: Int = 128

    @Option(help: "Seconds to wait after opening (hold) before reading the server's RSS.")
    var settle: Double = 1

    @Option(help: "Seconds past the window to wait for a message still outstanding (large).")
    var grace: Double = 10

    @Option(help: ArgumentHelp("Process id of the server, to report its RSS and CPU (children included).", valueName: "pid"))
    var serverPid: Int32?

    @Flag(help: ArgumentHelp("churn through NIO channels, like the other modes, instead of plain sockets (to cross-check them).", visibility: .hidden))
    var channelChurn = false

    @Flag(help: ArgumentHelp("echo, latency and bulk through NIO channels instead of plain sockets (to cross-check them).", visibility: .hidden))
    var channelEcho = false

    @Flag(help: "Print only the JSON line.")
    var json = false

    mutating func validate() throws {
        if binary && text { throw ValidationError("Give --binary or --text, not both.") }
        if let connections, connections < 1 { throw ValidationError("--connections must be at least 1.") }
        if seconds <= 0 || seconds > 3600 { throw ValidationError("--seconds must be in (0, 3600].") }
        if let messages, messages < 1 { throw ValidationError("--messages must be at least 1.") }
        if depth < 1 || depth > 4096 { throw ValidationError("--depth must be in 1...4096.") }
        if threads < 1 || threads > 256 { throw ValidationError("--threads must be in 1...256.") }
        if lanes < 1 || lanes > 4096 { throw ValidationError("--lanes must be in 1...4096.") }
        if grace < 0 || grace > 3600 { throw ValidationError("--grace must be in [0, 3600].") }
    }

    func run() async throws {
        let sources = source?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        let target: BenchTarget
        do {
            target = try BenchTarget(url: url, sources: sources)
        } catch {
            throw ValidationError(error.description)
        }
        var plan = BenchPlan(mode: mode, target: target)
        if let connections { plan.connections = connections }
        if mode == .latency || mode == .large { plan.connections = 1 }
        if let size { plan.size = size.bytes }
        if binary { plan.binary = true }
        if text { plan.binary = false }
        plan.seconds = seconds
        plan.messages = messages
        plan.depth = depth
        if let warmup { plan.warmup = warmup }
        plan.threads = mode == .latency ? 1 : threads
        plan.lanes = lanes
        plan.connectWindow = max(1, connectWindow)
        plan.settle = settle
        plan.grace = grace
        plan.serverPID = serverPid
        plan.maxMessage = max(plan.maxMessage, plan.size)
        if channelChurn { plan.channelChurn = true }
        if channelEcho { plan.channelEcho = true }
        do {
            let report = try await LoadGenerator.run(plan)
            if !json { print(report.humanLine) }
            print(report.json)
            if !report.clean { throw ExitCode(1) }
        } catch let error as BenchError {
            Console.write("wsdev bench: error: \(error)\n", toError: true)
            throw ExitCode(2)
        }
    }
}
