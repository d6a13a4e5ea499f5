import Foundation
import XCTest

@testable import WSDevBench
@testable import WSWire

/// `wsdev bench` echo, latency and bulk against a real server, over real sockets: the plain-socket
/// engine (`EchoLoop`, the default on Linux) and the NIO one (`--channel-echo`) both verify every
/// echo, count what is wrong, and report the same fields.
final class EchoBenchTests: ServerTestCase {
    override var serverArguments: [String] { ["--quiet", "--no-reload"] }

    private func plan(_ mode: BenchPlan.Mode, port: Int? = nil, path: String = "/echo", channels: Bool = false) throws -> BenchPlan {
        var plan = try BenchPlan.local(mode, port: port ?? server.port, path: path, seconds: 0.4, warmup: 0.1)
        plan.channelEcho = channels
        if mode == .latency { plan.threads = 1 }
        if mode != .latency { plan.connections = 4 }
        return plan
    }

    /// The plain engine itself (not the default routing), so that these tests need it.
    private func plain(_ plan: BenchPlan) async throws -> BenchReport {
        try await EchoRun.run(plan, tallies: nil)
    }

    func testPlainSocketsAreTheDefaultOnLinux() throws {
        for mode in [BenchPlan.Mode.echo, .latency, .bulk] { XCTAssertFalse(try plan(mode).channelEcho) }
    }

    private func assertVerified(_ report: BenchReport, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(report.clean, report.humanLine, file: file, line: line)
        XCTAssertGreaterThan(report.messages ?? 0, 0, report.humanLine, file: file, line: line)
        XCTAssertGreaterThanOrEqual(report.verified, report.messages ?? 0, report.humanLine, file: file, line: line)
        XCTAssertNotNil(report.p50Us, report.humanLine, file: file, line: line)
        XCTAssertNotNil(report.clientCpuUsPerMsg, report.humanLine, file: file, line: line)
    }

    func testPlainEchoVerifiesEveryEcho() async throws {
        var plan = try plan(.echo)
        plan.serverPID = server.process.processIdentifier
        let report = try await plain(plan)
        assertVerified(report)
        XCTAssertNotNil(report.serverCpuUsPerMsg, report.humanLine)
    }

    func testPlainEchoWithManyInFlight() async throws {
        var plan = try plan(.echo)
        plan.depth = 8
        let report = try await plain(plan)
        assertVerified(report)
        XCTAssertEqual(report.depth, 8)
    }

    func testPlainLatencyOnOneConnection() async throws {
        let report = try await plain(try plan(.latency))
        assertVerified(report)
        XCTAssertEqual(report.connections, 1)
    }

    func testPlainBulk() async throws {
        let report = try await plain(try plan(.bulk))
        assertVerified(report)
        XCTAssertGreaterThan(report.mbPerSecond ?? 0, 0, report.humanLine)
    }

    /// Larger than a socket buffer and than one read, with a 64-bit length: partial writes, a
    /// message over many reads, and two of them in flight.
    func testPlainLargeMessagesByCount() async throws {
        var plan = try plan(.bulk)
        plan.size = 300_001
        plan.connections = 2
        plan.messages = 9
        plan.depth = 2
        plan.seconds = 10
        let report = try await plain(plan)
        XCTAssertTrue(report.clean, report.humanLine)
        XCTAssertEqual(report.messages, 9, report.humanLine)
        XCTAssertEqual(report.verified, 9, report.humanLine)
    }

    /// Pings before every echo, and echoes in three fragments (16- and 64-bit lengths with the
    /// large message): answered and joined by both engines, or the echo is corrupted.
    func testPingsAnsweredAndFragmentsJoined() async throws {
        let fragmenting = try FragmentingEchoServer()
        defer { fragmenting.stop() }
        for (size, channels) in [(32, false), (200_000, false), (32, true)] {
            var plan = try plan(.echo, port: fragmenting.port, channels: channels)
            plan.connections = 2
            plan.size = size
            plan.binary = size > 32
            let report = channels ? try await LoadGenerator.run(plan) : try await plain(plan)
            assertVerified(report)
        }
    }

    func testChannelEchoStillWorks() async throws {
        for mode in [BenchPlan.Mode.echo, .latency] {
            let report = try await LoadGenerator.run(try plan(mode, channels: true))
            assertVerified(report)
        }
    }

    /// A handler that answers every line with a different one: every echo is counted as a mismatch.
    func testWrongEchoesAreMismatches() async throws {
        let handlers = try HandlerFixture(["wrong.sh": "#!/bin/sh\nwhile IFS= read -r line; do printf 'x%s\\n' \"$line\"; done\n"])
        for channels in [false, true] {
            var plan = try plan(.echo, port: handlers.port, path: "/wrong", channels: channels)
            plan.connections = 2
            let report = channels ? try await LoadGenerator.run(plan) : try await plain(plan)
            XCTAssertGreaterThan(report.mismatches, 0, report.humanLine)
            XCTAssertEqual(report.messages, 0, report.humanLine)
            XCTAssertTrue(report.firstMismatch?.contains("content differs") == true, report.humanLine)
        }
    }

    /// A handler that never answers: the run gives up, and what is outstanding is an error.
    func testSilentServerIsAnError() async throws {
        let handlers = try HandlerFixture(["silent.sh": "#!/bin/sh\nexec sleep 20\n"])
        var plan = try plan(.echo, port: handlers.port, path: "/silent")
        plan.connections = 2
        plan.messages = 4
        plan.seconds = 0.3
        let report = try await plain(plan)
        XCTAssertEqual(report.verified, 0, report.humanLine)
        XCTAssertEqual(report.errors, 2, report.humanLine)
        XCTAssertTrue(report.firstError?.contains("gave up waiting") == true, report.humanLine)
    }

    /// A handler that answers one line and exits: the server closes mid-run, an error per
    /// connection in both engines.
    func testServerClosingDuringTheRunIsAnError() async throws {
        let handlers = try HandlerFixture(["once.sh": "#!/bin/sh\nIFS= read -r line\nprintf '%s\\n' \"$line\"\n"])
        for channels in [false, true] {
            var plan = try plan(.echo, port: handlers.port, path: "/once", channels: channels)
            plan.connections = 2
            let report = channels ? try await LoadGenerator.run(plan) : try await plain(plan)
            XCTAssertEqual(report.errors, 2, report.humanLine)
            XCTAssertEqual(report.mismatches, 0, report.humanLine)
            XCTAssertEqual(report.verified, 2, report.humanLine)
            XCTAssertTrue(report.firstError?.contains("server closed") == true, report.humanLine)
        }
    }

    func testRefusedConnectionsAndUpgradesStopTheRun() async throws {
        do {
            _ = try await plain(try plan(.echo, path: "/no-such-endpoint"))
            XCTFail("a refused upgrade must stop the run")
        } catch let error as BenchError {
            XCTAssertTrue(error.description.contains("opened 0 of 4") && error.description.contains("expected 101"), error.description)
        }
        let port = server.port
        _ = server.stop()
        do {
            _ = try await plain(try plan(.echo, port: port))
            XCTFail("a refused connection must stop the run")
        } catch let error as BenchError {
            XCTAssertTrue(error.description.contains("opened 0 of 4") && error.description.contains("refused"), error.description)
        }
    }

    /// The command line's JSON has the same fields whichever engine ran.
    func testBothEnginesReportTheSameFields() throws {
        var fields: [Set<String>] = []
        for extra in [[], ["--channel-echo"]] {
            let output = try runBench(["bench", "ws://127.0.0.1:\(server.port)/echo", "-c", "2", "-t", "0.3", "--warmup", "0.1", "--json"] + extra)
            let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
            XCTAssertEqual(object?["errors"] as? Int, 0, output)
            XCTAssertGreaterThan(object?["messages"] as? Int ?? 0, 0, output)
            fields.append(Set(object?.keys.map { $0 } ?? []))
        }
        XCTAssertEqual(fields[0], fields[1])
    }
}
