import Foundation
import XCTest

@testable import WSDevBench
@testable import WSWire

/// `wsdev bench --mode stream` against handlers that print: N clients only read, and the report
/// has the MB/s summed over them, the slowest one's, and the server's CPU with and without its
/// handler processes.
final class StreamBenchTests: XCTestCase {
    private let flood = "#!/bin/sh\nexec yes \"$(head -c 100 /dev/zero | tr '\\0' a)\"\n"

    private func plan(_ handlers: HandlerFixture, _ path: String, size: Int) throws -> BenchPlan {
        var plan = try BenchPlan.local(.stream, port: handlers.port, path: path, seconds: 0.5, warmup: 0.2)
        plan.connections = 3
        plan.size = size
        return plan
    }

    func testDefaultsAreFiveConnectionsOfAnySize() throws {
        let plan = BenchPlan(mode: .stream, target: try BenchTarget(url: "ws://127.0.0.1:1/stream"))
        XCTAssertEqual(plan.connections, 5)
        XCTAssertEqual(plan.size, 0)
    }

    func testFloodingHandlerIsCountedOnEveryConnection() async throws {
        let handlers = try HandlerFixture(["flood.sh": flood])
        var plan = try plan(handlers, "/flood", size: 100)
        plan.serverPID = handlers.server.process.processIdentifier
        let report = try await LoadGenerator.run(plan)
        XCTAssertTrue(report.clean, report.humanLine)
        XCTAssertEqual(report.mode, "stream")
        XCTAssertEqual(report.connections, 3)
        XCTAssertGreaterThan(report.messages ?? 0, 0, report.humanLine)
        XCTAssertEqual(report.mbPerSecond ?? 0, Double(report.messages ?? 0) * 100 / (report.seconds * 1e6), accuracy: 0.02, report.humanLine)
        XCTAssertNotNil(report.slowestMbPerSecond, report.humanLine)
        XCTAssertLessThanOrEqual(report.slowestMbPerSecond ?? 0, report.mbPerSecond ?? 0, report.humanLine)
        XCTAssertNotNil(report.serverOwnCpuSeconds, report.humanLine)
        XCTAssertGreaterThanOrEqual(report.serverCpuSeconds ?? -1, report.serverOwnCpuSeconds ?? 0, "children are included")
        // The close handshake ended every handler.
        XCTAssertTrue(waitUntil { childProcesses(of: handlers.server.process.processIdentifier).allSatisfy { $0.state == "Z" } })
    }

    func testMessagesOfAnotherSizeAreMismatches() async throws {
        let handlers = try HandlerFixture(["flood.sh": flood])
        let report = try await LoadGenerator.run(try plan(handlers, "/flood", size: 99))
        XCTAssertGreaterThan(report.mismatches, 0, report.humanLine)
        XCTAssertTrue(report.firstMismatch?.contains("expected 99 bytes") == true, report.humanLine)
        XCTAssertEqual(report.messages, 0, report.humanLine)
    }

    /// A handler that prints three lines and exits: the server closes during the run, an error
    /// per connection.
    func testServerClosingDuringTheRunIsAnError() async throws {
        let handlers = try HandlerFixture(["three.sh": "#!/bin/sh\necho a\necho b\necho c\n"])
        let report = try await LoadGenerator.run(try plan(handlers, "/three", size: 0))
        XCTAssertEqual(report.errors, 3, report.humanLine)
        XCTAssertTrue(report.firstError?.contains("server closed") == true, report.humanLine)
    }

    func testCommandLine() throws {
        let handlers = try HandlerFixture(["flood.sh": flood])
        let output = try runBench(["bench", "ws://127.0.0.1:\(handlers.port)/flood", "-m", "stream", "-c", "2", "-s", "100",
                                   "-t", "0.3", "--warmup", "0.1", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["mode"] as? String, "stream", output)
        XCTAssertEqual(object?["connections"] as? Int, 2, output)
        XCTAssertEqual(object?["errors"] as? Int, 0, output)
        XCTAssertGreaterThan(object?["mb_per_second"] as? Double ?? 0, 0, output)
    }

    private func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(patience)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return false
    }
}
