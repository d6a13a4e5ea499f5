import Foundation
import XCTest

@testable import WSDevKit

/// Refusals and failures of a page's WebSockets reach that page over its reload channel, and no
/// other page: not one of another origin, not one on another device, not for a client that is not
/// a browser page. (In a browser: `PageErrorsBrowserTests`.)
final class PageErrorsTests: XCTestCase {
    private var fixture: HandlerFixture!

    override func setUpWithError() throws {
        fixture = try HandlerFixture(["fail.sh": "#!/bin/sh\necho 'the database is locked' >&2\nexit 3\n"])
    }

    override func tearDown() {
        fixture = nil
    }

    private var port: Int { fixture.port }
    private var origin: String { "http://127.0.0.1:\(port)" }

    private func token(port: Int) throws -> String {
        let page = try RawHTTP.get("/", port: port).text
        let match = try XCTUnwrap(page.range(of: #"token=[0-9a-f]+"#, options: .regularExpression), page)
        return String(page[match].dropFirst("token=".count))
    }

    /// The reload channel as the script of a page from `origin` opens it.
    private func page(origin: String, port: Int? = nil, host: String = "127.0.0.1") throws -> RawWebSocket {
        let port = port ?? self.port
        let socket = try RawWebSocket.open(
            port: port, path: "/__wsdev/reload?token=\(try token(port: port))&path=%2F",
            headers: ["Sec-WebSocket-Protocol": "wsdev-reload", "Origin": origin, "Host": "\(host):\(port)"], timeout: 5)
        usleep(100_000)  // the page joins the hub just after its 101
        return socket
    }

    private func error(on page: RawWebSocket) throws -> String {
        let frame = try page.receiveMessage()
        let message = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(frame.payload)) as? [String: String], frame.text)
        XCTAssertEqual(message["do"], "error")
        return message["text"] ?? ""
    }

    private func assertNothing(on page: RawWebSocket, _ why: String) {
        page.connection.setTimeout(0.4)
        XCTAssertThrowsError(try page.receiveMessage(), why)
        page.connection.setTimeout(5)
    }

    func testARefusalReachesThePagesOfItsOriginWithTheFix() throws {
        let own = try page(origin: origin)
        let other = try page(origin: "http://localhost:\(port)")
        _ = try RawWebSocket.handshake(port: port, path: "/echoo", headers: ["Origin": origin])
        XCTAssertEqual(try error(on: own), "wsdev refused the WebSocket to /echoo (HTTP 404): No WebSocket endpoint at /echoo. Did you mean /echo? "
            + "Endpoints on this server: /chat, /echo, /fail, /fail.sh.")
        assertNothing(on: other, "a page of another origin heard of the refusal")

        _ = try RawWebSocket.handshake(port: port, path: "/echoo")
        assertNothing(on: own, "a refusal without Origin (not a browser page) reached a page")
    }

    func testAFailedHandlerReachesThePageWithItsLastErrorLine() throws {
        let own = try page(origin: origin)
        let socket = try RawWebSocket.open(port: port, path: "/fail", headers: ["Origin": origin])
        XCTAssertEqual(try socket.nextText(), "close 1011 the database is locked")
        XCTAssertEqual(try error(on: own), "wsdev closed the WebSocket to /fail (#1) with 1011: the handler for /fail ended with exit 3; "
            + "the last line it printed on stderr: the database is locked")
    }

    func testAnOrdinaryCloseIsNotAnError() throws {
        let own = try page(origin: origin)
        let echo = try RawWebSocket.open(port: port, headers: ["Origin": origin])
        try echo.send(text: "Goodbye")
        XCTAssertEqual(try echo.nextText(), "Goodbye")
        XCTAssertEqual(try echo.nextText(), "close 1000 ")
        assertNothing(on: own, "a normal close was reported as an error")
    }

    /// Another device is played by this machine's network address, which is not loopback.
    func testARefusalFromAnotherDeviceDoesNotReachThisMachinesPages() throws {
        guard let address = NetworkAddresses.lanIPv4().first else {
            throw XCTSkip("this machine has no network address besides loopback, so no other device can be played")
        }
        let site = try SiteFixture(files: ["index.html": "<p>x</p>"])
        let server = try ServerProcess(root: site.root.path, host: "0.0.0.0")
        defer { _ = server.stop() }
        let origin = "http://\(address):\(server.port)"
        let local = try page(origin: origin, port: server.port, host: address)
        _ = try RawWebSocket.handshake(port: server.port, path: "/echoo", host: address, headers: ["Origin": origin, "Host": "\(address):\(server.port)"])
        assertNothing(on: local, "a refusal made from \(address) reached a page on loopback")
        _ = try RawWebSocket.handshake(port: server.port, path: "/echoo", headers: ["Origin": origin, "Host": "\(address):\(server.port)"])
        XCTAssertTrue(try error(on: local).contains("Did you mean /echo?"), "the same refusal from this machine reaches it")
    }

    func testDeviceNames() {
        XCTAssertEqual(PageErrors.device(ofAddress: PageErrors.address(in: "127.0.0.1:5000")), "this machine")
        XCTAssertEqual(PageErrors.device(ofAddress: PageErrors.address(in: "::1:5000")), "this machine")
        XCTAssertEqual(PageErrors.device(ofAddress: PageErrors.address(in: "::ffff:192.0.2.7:5000")), "192.0.2.7")
        XCTAssertEqual(PageErrors.device(ofAddress: "192.0.2.7"), "192.0.2.7")
    }
}
