import Foundation
import XCTest

/// Every client gets bounded time and room (issue 14): a head that never ends, a connection that
/// asks nothing more, an endless head, and more connections than the server keeps are each
/// answered and closed, and everyone else is still served.
final class TimeoutAndLimitTests: ServerTestCase {
    override var siteFiles: [String: String] { ["index.html": "<p>x</p>", "a.txt": "alpha\n"] }
    override var serverArguments: [String] { ["--no-reload", "--head-timeout", "1", "--idle-timeout", "1", "--max-connections", "60"] }

    func testAHeadThatNeverEndsGets408AndIsClosed() throws {
        let connection = try TCPConnection(port: port, timeout: 10)
        try connection.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let started = Date()
        let reply = try RawHTTP.read(from: connection)
        XCTAssertEqual(reply.status, 408)
        XCTAssertTrue(reply.text.contains("--head-timeout"), reply.text)
        XCTAssertTrue(connection.isClosedByPeer())
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertTrue(server.waitForLog("HTTP 408 for 127.0.0.1:"), server.log)
    }

    /// Slowloris: fifty clients sending a header byte every 200 ms are all cut off once the head
    /// timeout passes, and a normal request is answered all along.
    func testSlowClientsAreCutOffAndOthersServed() throws {
        let slow = try (0..<50).map { _ in try TCPConnection(port: port, timeout: 10) }
        let request = Array("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: \(String(repeating: "z", count: 100))\r\n\r\n".utf8)
        let started = Date()
        var closed = Set<Int>()
        var sent = 0
        while closed.count < slow.count, Date().timeIntervalSince(started) < 8 {
            for (index, connection) in slow.enumerated() where !closed.contains(index) {
                if (try? connection.send([request[sent % request.count]])) == nil { closed.insert(index) }
            }
            sent += 1
            XCTAssertEqual(try RawHTTP.get("/a.txt", port: port).status, 200, "served while the slow clients trickle")
            usleep(200_000)
        }
        XCTAssertEqual(closed.count, slow.count, "every slow client is closed once --head-timeout has passed")
    }

    func testAConnectionThatAsksNothingMoreIsClosed() throws {
        let connection = try TCPConnection(port: port, timeout: 10)
        try connection.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: connection).text, "alpha\n")
        try connection.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: connection).text, "alpha\n", "a second request, before the idle timeout, is served")
        let idle = Date()
        XCTAssertTrue(connection.isClosedByPeer(), "closed once --idle-timeout has passed with nothing asked")
        XCTAssertLessThan(Date().timeIntervalSince(idle), 5)
    }

    /// The static fast path answers repeat requests before the idle closer sees them; it tells the
    /// closer itself, so a connection that keeps asking for longer than the timeout stays open.
    func testAConnectionThatKeepsAskingForRepeatFilesStaysOpen() throws {
        XCTAssertEqual(try RawHTTP.get("/a.txt", port: port).text, "alpha\n", "served once: later answers come from the fast path")
        let connection = try TCPConnection(port: port, timeout: 10)
        let started = Date()
        var answered = 0
        while Date().timeIntervalSince(started) < 3 {
            try connection.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            XCTAssertEqual(try RawHTTP.read(from: connection).text, "alpha\n", "request \(answered + 1), \(Date().timeIntervalSince(started)) s in")
            answered += 1
            usleep(300_000)
        }
        XCTAssertGreaterThan(answered, 6)
        XCTAssertTrue(connection.isClosedByPeer(), "closed once it stops asking")
    }

    /// A request that does not parse, after requests the fast path answered, gets a 400 and the
    /// connection ends.
    func testABadRequestAfterFastAnswersGets400() throws {
        XCTAssertEqual(try RawHTTP.get("/a.txt", port: port).text, "alpha\n")
        let connection = try TCPConnection(port: port, timeout: 10)
        try connection.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: connection).text, "alpha\n")
        try connection.send("GET /a.txt HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: connection).status, 400)
        XCTAssertTrue(connection.isClosedByPeer())
        XCTAssertEqual(try RawHTTP.get("/a.txt", port: port).status, 200, "the server still serves others")
    }

    func testAHeadOverTheLimitGets431() throws {
        let connection = try TCPConnection(port: port)
        try connection.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: \(String(repeating: "h", count: 40_000))\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: connection).status, 431)
        XCTAssertTrue(connection.isClosedByPeer())
    }

    func testConnectionsBeyondTheLimitGet503AndTheRestWork() throws {
        let held = try (0..<60).map { _ in try RawWebSocket.open(port: port) }
        let extra = try TCPConnection(port: port)
        try extra.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let refused = try RawHTTP.read(from: extra)
        XCTAssertEqual(refused.status, 503)
        XCTAssertTrue(refused.text.contains("--max-connections"), refused.text)
        XCTAssertTrue(server.waitForLog("HTTP 503 for 127.0.0.1:"), server.log)
        try held[0].send(text: "still served")
        XCTAssertEqual(try held[0].receiveMessage().text, "still served")
        try held[1].sendClose()
        _ = try? held[1].receiveMessage()
        XCTAssertTrue(held[1].connection.isClosedByPeer())
        usleep(100_000)
        XCTAssertEqual(try RawHTTP.get("/a.txt", port: port).status, 200, "room again once one has gone")
    }
}
