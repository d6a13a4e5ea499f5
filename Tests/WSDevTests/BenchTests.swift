import XCTest

@testable import WSDevBench
@testable import WSWire

/// `wsdev bench` churn against the real server's /echo: both engines (plain sockets and NIO
/// channels) verify every echo and every handshake, and report what fails.
final class BenchTests: ServerTestCase {
    override var serverArguments: [String] { ["--quiet", "--no-reload"] }

    private func churn(path: String = "/echo", size: Int = 32, binary: Bool = false, channels: Bool = false) async throws -> BenchReport {
        var plan = BenchPlan(mode: .churn, target: try BenchTarget(url: "ws://127.0.0.1:\(server.port)\(path)", sources: ["127.0.0.1", "127.0.0.2"]))
        plan.seconds = 0.5
        plan.lanes = 4
        plan.size = size
        plan.binary = binary
        plan.channelChurn = channels
        return try await LoadGenerator.run(plan)
    }

    func testPlainSocketChurnVerifiesEveryEcho() async throws {
        let report = try await churn()
        XCTAssertTrue(report.clean, report.humanLine)
        XCTAssertGreaterThan(report.verified, 0, report.humanLine)
        XCTAssertGreaterThan(report.connectionsPerSecond ?? 0, 0, report.humanLine)
    }

    func testChannelChurnVerifiesEveryEcho() async throws {
        let report = try await churn(channels: true)
        XCTAssertTrue(report.clean, report.humanLine)
        XCTAssertGreaterThan(report.verified, 0, report.humanLine)
    }

    /// Larger than a socket buffer and than one read: partial writes and reassembly.
    func testPlainSocketChurnWithLargeBinaryMessages() async throws {
        let report = try await churn(size: 300_001, binary: true)
        XCTAssertTrue(report.clean, report.humanLine)
        XCTAssertGreaterThan(report.verified, 0, report.humanLine)
    }

    func testRefusedUpgradeIsAnError() async throws {
        let report = try await churn(path: "/no-such-endpoint")
        XCTAssertEqual(report.verified, 0)
        XCTAssertGreaterThan(report.errors, 0)
        XCTAssertTrue(report.firstError?.contains("expected 101") == true, report.humanLine)
    }

    func testUpgradeCheck() {
        func problem(_ head: String, accept: String = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") -> String? {
            Array(head.utf8).withUnsafeBytes { head in
                Array(accept.utf8).withUnsafeBytes { UpgradeCheck.problem(head: head, expectedAccept: $0) }
            }
        }
        let good = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        XCTAssertNil(problem(good))
        XCTAssertNotNil(problem(good, accept: "AAAAAAAAAAAAAAAAAAAAAAAAAAA="))
        XCTAssertNotNil(problem(good.replacingOccurrences(of: "Upgrade: WebSocket\r\n", with: "")))
        XCTAssertNotNil(problem(good.replacingOccurrences(of: "keep-alive, Upgrade", with: "keep-alive")))
        XCTAssertNotNil(problem(good.replacingOccurrences(of: "\r\n\r\n", with: "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n")))
        XCTAssertNotNil(problem("HTTP/1.1 200 OK\r\n\r\n"))
    }

    /// RFC 6455 §1.3's example key and accept value.
    func testHandshakeKeyMatchesTheRFCExample() {
        XCTAssertEqual(AcceptKey.value(for: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
