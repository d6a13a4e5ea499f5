import Foundation
import XCTest

@testable import WSDevBench
@testable import WSWire

/// `wsdev bench --mode large` against script handlers of a real server: one connection, one
/// message at a time, every echo checked; a slow handler still gets its true rate (echoes that
/// come after the window count), and a silent one costs a bounded time and is reported as timed
/// out, not as an error.
final class LargeBenchTests: XCTestCase {
    private func plan(_ handlers: HandlerFixture, _ path: String, size: Int = 64 * 1024) throws -> BenchPlan {
        var plan = try BenchPlan.local(.large, port: handlers.port, path: path, seconds: 0.4, warmup: 0.1)
        plan.size = size
        plan.grace = 2
        return plan
    }

    func testDefaultsAreOneConnectionOf64KiBText() throws {
        let plan = BenchPlan(mode: .large, target: try BenchTarget(url: "ws://127.0.0.1:1/cat"))
        XCTAssertEqual(plan.connections, 1)
        XCTAssertEqual(plan.size, 64 * 1024)
        XCTAssertFalse(plan.binary)
    }

    /// 64 KiB and 300,001-byte lines through `cat`: more than a pipe's and a socket's buffer.
    func testLargeMessagesThroughCatAreVerified() async throws {
        let handlers = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"])
        for size in [64 * 1024, 300_001] {
            var plan = try plan(handlers, "/cat", size: size)
            plan.serverPID = handlers.server.process.processIdentifier
            let report = try await LoadGenerator.run(plan)
            XCTAssertTrue(report.clean, report.humanLine)
            XCTAssertNil(report.timedOut, report.humanLine)
            XCTAssertGreaterThan(report.messages ?? 0, 0, report.humanLine)
            XCTAssertGreaterThanOrEqual(report.verified, report.messages ?? 0, report.humanLine)
            XCTAssertGreaterThan(report.msgsPerSecond ?? 0, 0, report.humanLine)
            XCTAssertEqual(report.mbPerSecond ?? 0, (report.msgsPerSecond ?? 0) * Double(size) / 1e6, accuracy: 0.05, report.humanLine)
            XCTAssertNotNil(report.serverCpuUsPerMsg, report.humanLine)
            XCTAssertEqual(report.mode, "large")
        }
    }

    /// 0.5 s per message against a 0.2 s window: the echo that comes after the window counts, and
    /// the rate is that of the messages' own time (about 2 msg/s), not 0.
    func testSlowHandlerGetsItsTrueRate() async throws {
        let handlers = try HandlerFixture(["slow.sh": "#!/bin/sh\nwhile IFS= read -r line; do sleep 0.5; printf '%s\\n' \"$line\"; done\n"])
        var plan = try plan(handlers, "/slow", size: 1000)
        plan.seconds = 0.2
        let report = try await LoadGenerator.run(plan)
        XCTAssertTrue(report.clean, report.humanLine)
        XCTAssertNil(report.timedOut, report.humanLine)
        XCTAssertGreaterThanOrEqual(report.messages ?? 0, 1, report.humanLine)
        XCTAssertGreaterThan(report.msgsPerSecond ?? 0, 1, report.humanLine)
        XCTAssertLessThan(report.msgsPerSecond ?? 99, 2.2, report.humanLine)
    }

    /// A handler that never answers: the run ends `grace` after the window, timed out, not failed.
    func testSilentHandlerTimesOutWithinItsBound() async throws {
        let handlers = try HandlerFixture(["silent.sh": "#!/bin/sh\nexec sleep 20\n"])
        var plan = try plan(handlers, "/silent", size: 1000)
        plan.grace = 0.5
        let began = Date()
        let report = try await LoadGenerator.run(plan)
        let took = Date().timeIntervalSince(began)
        XCTAssertEqual(report.timedOut, true, report.humanLine)
        XCTAssertEqual(report.errors, 0, report.humanLine)
        XCTAssertEqual(report.verified, 0, report.humanLine)
        XCTAssertEqual(report.msgsPerSecond, 0, report.humanLine)
        XCTAssertGreaterThanOrEqual(took, 1.0)  // warm-up 0.1 + window 0.4 + grace 0.5
        XCTAssertLessThan(took, 6, "bounded: the close handshake waits at most 2 s more")
        XCTAssertTrue(report.json.contains("\"timed_out\":true"), report.json)
    }

    /// A handler that changes what it echoes: mismatches, as in echo mode.
    func testWrongEchoesAreMismatches() async throws {
        let handlers = try HandlerFixture(["wrong.sh": "#!/bin/sh\nwhile IFS= read -r line; do printf 'x%s\\n' \"$line\"; done\n"])
        let report = try await LoadGenerator.run(try plan(handlers, "/wrong", size: 1000))
        XCTAssertGreaterThan(report.mismatches, 0, report.humanLine)
        XCTAssertEqual(report.messages, 0, report.humanLine)
    }

    /// From the command line, as Benchmarks/run calls it.
    func testCommandLine() throws {
        let handlers = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"])
        let output = try runBench(["bench", "ws://127.0.0.1:\(handlers.port)/cat", "-m", "large", "-s", "1M", "-t", "0.3",
                                   "--warmup", "0.1", "--grace", "5", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["mode"] as? String, "large", output)
        XCTAssertEqual(object?["size"] as? Int, 1 << 20, output)
        XCTAssertEqual(object?["errors"] as? Int, 0, output)
        XCTAssertGreaterThan(object?["msgs_per_second"] as? Double ?? 0, 0, output)
    }
}
