import Foundation
import XCTest

@testable import WSDevKit

/// The live console's channel over real sockets: what it reports, what a console opened later
/// gets, and who may open it. (In a browser: `ConsoleBrowserTests`.)
final class ConsoleTests: XCTestCase {
    private var site: SiteFixture!
    private var servers: [ServerProcess] = []

    override func setUpWithError() throws {
        site = try SiteFixture(files: ["index.html": "<p>x</p>"])
    }

    override func tearDown() {
        for server in servers { _ = server.stop() }
        servers = []
        site = nil
    }

    private func serve(_ arguments: [String] = [], host: String? = "127.0.0.1") throws -> ServerProcess {
        let server = try ServerProcess(root: site.root.path, arguments: arguments, host: host)
        servers.append(server)
        return server
    }

    private func connectionID(_ event: ConsoleFeedClient.Event) -> Int? { event["id"] as? Int }

    func testTheFeedShowsAConnectionItsFramesBothWaysAndItsClose() throws {
        let server = try serve()
        let console = try ConsoleFeedClient.open(port: server.port)
        let paths = (console.hello["endpoints"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
        XCTAssertTrue(paths.contains("/echo") && paths.contains("/chat") && !paths.contains { $0.hasPrefix("/__wsdev") }, "\(paths)")

        let echo = try RawWebSocket.open(port: server.port, headers: ["Origin": "http://127.0.0.1:\(server.port)"])
        let opened = try console.waitFor("open /echo") { $0["t"] as? String == "open" && $0["path"] as? String == "/echo" }
        let id = try XCTUnwrap(connectionID(opened))
        XCTAssertEqual(opened["origin"] as? String, "http://127.0.0.1:\(server.port)")
        XCTAssertEqual(opened["deflate"] as? Bool, false)
        XCTAssertTrue((opened["remote"] as? String)?.hasPrefix("127.0.0.1:") == true, "\(opened)")

        try echo.send(text: "hello\nworld")
        XCTAssertEqual(try echo.nextText(), "hello\nworld")
        try echo.send(binary: [0, 1, 2, 255])
        _ = try echo.receiveMessage()
        func frame(_ direction: String, _ kind: String) throws -> ConsoleFeedClient.Event {
            try console.waitFor("\(direction) \(kind)") {
                $0["t"] as? String == "frame" && connectionID($0) == id && $0["dir"] as? String == direction && $0["kind"] as? String == kind
            }
        }
        XCTAssertEqual(try frame("in", "text")["text"] as? String, "hello\nworld")
        XCTAssertEqual(try frame("out", "text")["size"] as? Int, 11)
        XCTAssertEqual(try frame("in", "binary")["hex"] as? String, "000102ff")
        XCTAssertEqual(try frame("out", "binary")["hex"] as? String, "000102ff")

        // The counters, once a second: 2 messages and 15 bytes each way.
        try console.waitFor("the counters [2, 2, 15, 15]") {
            $0["t"] as? String == "stats" && (($0["counts"] as? [String: [Int]])?[String(id)]) == [2, 2, 15, 15]
        }

        try echo.sendClose(code: 4001, reason: "done here")
        let clientClose = try frame("in", "close")
        XCTAssertEqual(clientClose["code"] as? Int, 4001)
        XCTAssertEqual(clientClose["reason"] as? String, "done here")
        XCTAssertEqual(try frame("out", "close")["code"] as? Int, 4001)
        let closed = try console.waitFor("close") { $0["t"] as? String == "close" && connectionID($0) == id }
        XCTAssertEqual(closed["summary"] as? String, "4001 by client")
    }

    func testRefusalsHandlerFailuresAndStderrReachTheConsole() throws {
        let fixture = try HandlerFixture(["fail.sh": "#!/bin/sh\necho 'about to fail' >&2\nexit 3\n"])
        let console = try ConsoleFeedClient.open(port: fixture.port)
        _ = try RawWebSocket.handshake(port: fixture.port, path: "/echoo")
        let refused = try console.waitFor("refused /echoo") { $0["t"] as? String == "refused" }
        XCTAssertEqual(refused["status"] as? Int, 404)
        XCTAssertTrue((refused["reason"] as? String)?.contains("Did you mean /echo?") == true, "\(refused)")

        let failing = try RawWebSocket.open(port: fixture.port, path: "/fail")
        XCTAssertEqual(try failing.nextText(), "close 1011 about to fail")
        let line = try console.waitFor("the handler's stderr line") { $0["t"] as? String == "log" }
        XCTAssertEqual(line["line"] as? String, "about to fail")
        let failed = try console.waitFor("the failure") { $0["t"] as? String == "failed" }
        XCTAssertEqual(failed["code"] as? Int, 1011)
        XCTAssertEqual(failed["reason"] as? String, "the handler for /fail ended with exit 3; the last line it printed on stderr: about to fail")
    }

    func testAPyWebSocketHandlersPrintedLinesReachTheConsoleWithTheirConnection() throws {
        let fixture = try HandlerFixture([
            "talk_wsh.py": """
            def web_socket_do_extra_handshake(request):
                pass

            def web_socket_transfer_data(request):
                line = request.ws_stream.receive_message()
                print('handler saw ' + line)
                request.ws_stream.send_message(line, binary=False)
            """,
        ])
        let console = try ConsoleFeedClient.open(port: fixture.port)
        let socket = try RawWebSocket.open(port: fixture.port, path: "/talk")
        let opened = try console.waitFor("open /talk") { $0["t"] as? String == "open" && $0["path"] as? String == "/talk" }
        try socket.send(text: "ping me")
        XCTAssertEqual(try socket.nextText(), "ping me")
        let line = try console.waitFor("the handler's printed line") { $0["t"] as? String == "log" }
        XCTAssertEqual(line["line"] as? String, "handler saw ping me")
        XCTAssertEqual(line["id"] as? Int, connectionID(opened), "\(line)")
    }

    func testAConsoleOpenedLaterGetsOpenConnectionsWithCountersAndTheLastFrames() throws {
        let server = try serve(["--console-frames", "3"])
        // Before any console: no frames are kept, but the connection and its counters are known.
        let early = try RawWebSocket.open(port: server.port)
        try early.send(text: "early")
        XCTAssertEqual(try early.nextText(), "early")

        let first = try ConsoleFeedClient.open(port: server.port)
        let earlyID = try XCTUnwrap((first.hello["connections"] as? [[String: Any]])?.first?["id"] as? Int)
        XCTAssertEqual((first.hello["connections"] as? [[String: Any]])?.first?["counts"] as? [Int], [1, 1, 5, 5])
        XCTAssertEqual(first.history(of: earlyID).filter { $0["t"] as? String == "frame" }.count, 0, "frames from before any console was open")

        let busy = try RawWebSocket.open(port: server.port)
        for number in 1...5 {
            try busy.send(text: "m\(number)")
            XCTAssertEqual(try busy.nextText(), "m\(number)")
        }
        let busyOpen = try first.waitFor("the busy connection's last echo") { $0["t"] as? String == "frame" && $0["text"] as? String == "m5" && $0["dir"] as? String == "out" }
        let busyID = try XCTUnwrap(connectionID(busyOpen))

        let later = try ConsoleFeedClient.open(port: server.port)
        let frames = later.history(of: busyID).filter { $0["t"] as? String == "frame" }
        XCTAssertEqual(frames.map { "\($0["dir"]!) \($0["text"]!)" }, ["out m4", "in m5", "out m5"], "the last 3 frames (--console-frames 3)")
        XCTAssertEqual(later.history(of: busyID).first?["t"] as? String, "open", "how it opened is kept too")
        let listed = (later.hello["connections"] as? [[String: Any]]) ?? []
        XCTAssertEqual(listed.map { $0["id"] as? Int }, [earlyID, busyID])
        XCTAssertEqual(listed.last?["counts"] as? [Int], [5, 5, 10, 10])
    }

    func testTheConsoleChannelIsOnlyForThisServersPagesAndNeedsItsSubprotocol() throws {
        let server = try serve(["--allow-any-origin"])
        let (foreign, refused) = try ConsoleFeedClient.handshake(port: server.port, headers: ["Origin": "http://evil.example"])
        XCTAssertNil(foreign)
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(refused.text.contains("Only wsdev's console page"), refused.text)
        let (own, _) = try ConsoleFeedClient.handshake(port: server.port, headers: ["Origin": "http://127.0.0.1:\(server.port)"])
        XCTAssertNotNil(own)
        let (_, noProtocol) = try RawWebSocket.handshake(port: server.port, path: "/__wsdev/console")
        XCTAssertEqual(noProtocol.status, 400)
        XCTAssertTrue(noProtocol.text.contains("wsdev-console subprotocol"), noProtocol.text)
        XCTAssertFalse(server.log.contains("ws://localhost:\(server.port)/__wsdev"), "the channel is not listed as an endpoint:\n\(server.log)")
    }

    func testTheConsolePageIsServedToThisMachineWithoutAToken() throws {
        let server = try serve()
        XCTAssertTrue(server.log.contains("console: http://127.0.0.1:\(server.port)/__wsdev/"), server.log)
        XCTAssertFalse(server.log.contains("token="), "a loopback-only server prints no token:\n\(server.log)")
        let page = try RawHTTP.get("/__wsdev/", port: server.port)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("<title>wsdev console</title>"))
        XCTAssertEqual(try RawHTTP.get("/__wsdev/console.js", port: server.port)[header: "Content-Type"], "text/javascript; charset=utf-8")
        XCTAssertEqual(try RawHTTP.get("/__wsdev/ping", port: server.port).status, 204)
        XCTAssertEqual(try RawHTTP.get("/__wsdev/nothing", port: server.port).status, 404)
        XCTAssertEqual(try RawHTTP.get("/__wsdev?token=x", port: server.port)[header: "Location"], "/__wsdev/?token=x")
    }

    /// Another device is played by this machine's own network address: a connection to it comes
    /// from it, which is not a loopback address.
    func testAnotherDeviceNeedsTheTokenFromTheBanner() throws {
        guard let address = NetworkAddresses.lanIPv4().first else {
            throw XCTSkip("this machine has no network address besides loopback, so no other device can be played")
        }
        let server = try serve(host: address)
        let pattern = #"console from another device: http://[0-9.]+:\d+/__wsdev/\?token=([0-9a-f]+)"#
        let match = try XCTUnwrap(server.log.range(of: pattern, options: .regularExpression), server.log)
        let token = String(server.log[match].split(separator: "=").last!)

        let refusedPage = try RawHTTP.get("/__wsdev/", port: server.port, host: address)
        XCTAssertEqual(refusedPage.status, 403)
        XCTAssertTrue(refusedPage.text.contains("open only to this machine"), refusedPage.text)
        XCTAssertEqual(try RawHTTP.get("/__wsdev/?token=\(token)x", port: server.port, host: address).status, 403)
        XCTAssertEqual(try RawHTTP.get("/__wsdev/?token=\(token)", port: server.port, host: address).status, 200)

        let (none, noToken) = try ConsoleFeedClient.handshake(port: server.port, host: address)
        XCTAssertNil(none)
        XCTAssertEqual(noToken.status, 403)
        let (wrong, _) = try ConsoleFeedClient.handshake(port: server.port, host: address, query: "?token=\(String(token.reversed()))")
        XCTAssertNil(wrong)
        let (feed, reply) = try ConsoleFeedClient.handshake(port: server.port, host: address, query: "?token=\(token)")
        XCTAssertNotNil(feed, "with the token: \(reply.status) \(reply.text)")
    }
}
