import Foundation
import XCTest

/// Inputs the fuzz harnesses (Tests/fuzz) found that broke wsdev, each sent the way a client,
/// a browser or a handler's author would send it to a real server. Three of them stopped the
/// whole server with a trap.
final class FuzzFindingTests: XCTestCase {
    private var fixture: HandlerFixture!

    override func setUpWithError() throws {
        fixture = try HandlerFixture([:])
    }

    override func tearDown() {
        fixture = nil
    }

    private var port: Int { fixture.port }

    /// request-head harness: a lone CR at the end of the bytes so far was refused (400) as a
    /// malformed request line, though with its LF it is the empty line RFC 9112 §2.2 allows
    /// before a request.
    func testAnEmptyLineBeforeTheRequestMayArriveInTwoReads() throws {
        let connection = try TCPConnection(port: port)
        try connection.send("\r")
        usleep(200_000)  // so that the CR is read on its own
        try connection.send("\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let reply = try RawHTTP.read(from: connection)
        XCTAssertEqual(reply.status, 200)
        XCTAssertTrue(reply.text.hasPrefix("handlers"), reply.text)
    }

    /// deflate-offer harness: a parameter that is only "=" trapped in the offer parser.
    func testAnExtensionParameterWithoutANameDeclinesTheOfferNotACrash() throws {
        let (socket, reply) = try RawWebSocket.handshake(port: port, headers: ["Sec-WebSocket-Extensions": "permessage-deflate; ="])
        XCTAssertEqual(reply.status, 101)
        XCTAssertNil(reply[header: "Sec-WebSocket-Extensions"], "an offer with a parameter it cannot read is declined (RFC 7692 §7.1)")
        try socket?.send(text: "uncompressed")
        XCTAssertEqual(try socket?.nextText(), "uncompressed")
        XCTAssertEqual(try RawHTTP.get("/", port: port).status, 200, "the server is still there")
    }

    /// directives harness: a word that is only "=" trapped while the handlers folder was read,
    /// so wsdev did not start, or stopped when such a file was saved.
    func testAHandlerDirectiveThatIsOnlyAnEqualsSignIsReportedNotACrash() throws {
        try fixture.write("odd.sh", "#!/bin/sh\n# wsdev: = messages=json\nexec cat\n")
        XCTAssertTrue(fixture.server.waitForLog("ignoring unknown wsdev: settings ="), fixture.server.log)
        XCTAssertTrue(try fixture.waitForStatus("/odd", 101))
        let socket = try RawWebSocket.open(port: port, path: "/odd")
        // messages=json: the text goes to cat as a JSON line and comes back through it.
        try socket.send(text: "still read")
        XCTAssertEqual(try socket.nextText(), "still read", "the rest of the line still counts")
    }

    /// range harness: a date whose year is near Int32's minimum overflowed when 1900 was taken
    /// off, in If-Modified-Since (both the first, slow answer and the event loop's fast one) and If-Range.
    func testADateWithAnOverflowingYearIsNotADate() throws {
        let date = "Sun, 06 Nov -2147483648 08:49:37 GMT"
        for _ in 0..<2 {
            XCTAssertEqual(try RawHTTP.get("/", port: port, headers: ["If-Modified-Since": date]).status, 200)
        }
        let ranged = try RawHTTP.get("/", port: port, headers: ["Range": "bytes=0-1", "If-Range": date])
        XCTAssertEqual(ranged.status, 200, "an If-Range that is not the file's date: the whole file")
    }

    /// directives harness: `# wsdev:` lines were split into Characters, and a prepended mark
    /// (U+0603) with the comma after it is one Character, so `protocols=\u{0603},chat` was one
    /// protocol and a client offering chat was refused.
    func testSubprotocolsAreSplitAtEveryComma() throws {
        try fixture.write("mark.sh", "#!/bin/sh\n# wsdev: protocols=\u{0603},chat\nexec cat\n")
        XCTAssertTrue(try fixture.waitForStatus("/mark", 101))
        let (socket, reply) = try RawWebSocket.handshake(port: port, path: "/mark", headers: ["Sec-WebSocket-Protocol": "chat"])
        XCTAssertNotNil(socket, reply.text)
        XCTAssertEqual(reply[header: "Sec-WebSocket-Protocol"], "chat")
    }

    /// The same Character split (found while fixing the one above): "\r\n" is one Character, so
    /// from a CRLF line on the file was one line, and `broadcast` ran into the next word.
    func testADirectiveLineEndingInCRLFCounts() throws {
        let crlf = try HandlerFixture(["crlf.sh": "#!/bin/sh\n# wsdev: broadcast\r\nexec cat\n"])
        XCTAssertTrue(crlf.server.waitForLog("crlf.sh (broadcast"), crlf.server.log)
        XCTAssertFalse(crlf.server.log.contains("ignoring unknown wsdev: settings"), crlf.server.log)
    }
}
