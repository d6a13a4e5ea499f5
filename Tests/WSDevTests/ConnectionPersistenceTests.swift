import Foundation
import XCTest

/// RFC 9112 §9.3 and §9.6: an HTTP/1.0 request without keep-alive, and any request with the
/// `close` option, gets its answer with `Connection: close`, and then the server closes.
final class ConnectionPersistenceTests: ServerTestCase {
    override var siteFiles: [String: String] { ["a.txt": "aaa\n"] }

    /// Sends `requests` at once and reads one reply each; then whether the server closed within 3 s.
    private func exchange(_ requests: [String], on connection: TCPConnection? = nil) throws -> (replies: [HTTPReply], closed: Bool) {
        let connection = try connection ?? TCPConnection(port: port)
        try connection.send(requests.joined())
        let replies = try requests.map { _ in try RawHTTP.read(from: connection) }
        connection.setTimeout(3)
        return (replies, connection.isClosedByPeer())
    }

    private func request(_ version: String = "HTTP/1.1", fields: String = "") -> String {
        "GET /a.txt \(version)\r\nHost: localhost:\(port)\r\n\(fields)\r\n"
    }

    func testHTTP10WithoutKeepAliveIsAnsweredThenClosed() throws {
        for fields in ["", "Connection: close\r\n", "Connection: TE\r\n"] {
            let (replies, closed) = try exchange([request("HTTP/1.0", fields: fields)])
            XCTAssertEqual(replies[0].text, "aaa\n", fields)
            XCTAssertEqual(replies[0][header: "Connection"]?.lowercased(), "close", fields)
            XCTAssertTrue(closed, "the server must close after answering HTTP/1.0 (\(fields))")
        }
        // After keep-alive requests the file is in the event-loop table; HTTP/1.0 still ends it.
        let (replies, closed) = try exchange([request(), request(), request("HTTP/1.0")])
        XCTAssertEqual(replies.map(\.text), ["aaa\n", "aaa\n", "aaa\n"])
        XCTAssertEqual(replies[2][header: "Connection"]?.lowercased(), "close")
        XCTAssertTrue(closed)
    }

    func testHTTP10WithKeepAliveStaysOpen() throws {
        let connection = try TCPConnection(port: port)
        try connection.send(request("HTTP/1.0", fields: "Connection: keep-alive\r\n"))
        XCTAssertEqual(try RawHTTP.read(from: connection).text, "aaa\n")
        try connection.send(request("HTTP/1.0", fields: "Connection: keep-alive\r\n"))
        XCTAssertEqual(try RawHTTP.read(from: connection).text, "aaa\n")
    }

    func testConnectionCloseInAnyFormIsAnsweredThenClosed() throws {
        for fields in ["Connection: close\r\n", "Connection: Close\r\n", "Connection: keep-alive, close\r\n"] {
            let (replies, closed) = try exchange([request(fields: fields)])
            XCTAssertEqual(replies[0].text, "aaa\n", fields)
            XCTAssertEqual(replies[0][header: "Connection"]?.lowercased(), "close", fields)
            XCTAssertTrue(closed, "the server must close after answering \(fields)")
        }
        let (replies, closed) = try exchange([request(), request(), request(fields: "Connection: Close\r\n")])
        XCTAssertEqual(replies.map(\.text), ["aaa\n", "aaa\n", "aaa\n"])
        XCTAssertEqual(replies[2][header: "Connection"]?.lowercased(), "close")
        XCTAssertTrue(closed)
    }
}
