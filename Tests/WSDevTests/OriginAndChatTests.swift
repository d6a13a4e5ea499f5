import Foundation
import XCTest

/// Cross-site WebSocket hijacking defence, and the built-in /chat.
final class OriginAndChatTests: XCTestCase {
    func testForeignOriginsAreRefusedUnlessAllowed() throws {
        // Hosts-file names for this machine, which the Host check lets through only when given.
        let fixture = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"], arguments: ["--allowed-host", "wsdev.test", "--allowed-host", "other.test"])
        let port = fixture.port
        for allowed in [nil, "null", "http://localhost:3000", "http://127.0.0.1:\(port)", "http://[::1]:8080"] {
            let reply = try RawWebSocket.handshake(port: port, path: "/cat", headers: ["Origin": allowed]).reply
            XCTAssertEqual(reply.status, 101, "Origin \(allowed ?? "(none)")")
        }
        // Same origin by another name (a LAN address, a hosts-file name): Origin must match Host.
        let lanPage = "wsdev.test:\(port)"
        XCTAssertEqual(try RawWebSocket.handshake(port: port, path: "/cat", headers: ["Host": lanPage, "Origin": " HTTP://\(lanPage)/"]).reply.status, 101)
        XCTAssertEqual(try RawWebSocket.handshake(port: port, path: "/cat", headers: ["Host": "other.test:\(port)", "Origin": "http://\(lanPage)"]).reply.status, 403)
        let refused = try RawWebSocket.handshake(port: port, path: "/cat", headers: ["Origin": "https://evil.example"]).reply
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(refused.text.contains("https://evil.example") && refused.text.contains("--origin"), refused.text)
        XCTAssertTrue(fixture.server.waitForLog("refused 403"), fixture.server.log)

        let permissive = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"], arguments: ["--origin", "https://evil.example"])
        XCTAssertEqual(try RawWebSocket.handshake(port: permissive.port, path: "/cat", headers: ["Origin": "https://evil.example"]).reply.status, 101)
        XCTAssertEqual(try RawWebSocket.handshake(port: permissive.port, path: "/cat", headers: ["Origin": "https://other.example"]).reply.status, 403)
        let any = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"], arguments: ["--allow-any-origin"])
        XCTAssertEqual(try RawWebSocket.handshake(port: any.port, path: "/cat", headers: ["Origin": "https://other.example"]).reply.status, 101)
    }

    func testBuiltinChatRelaysToEveryoneWithJoinAndLeaveNotices() throws {
        let site = try SiteFixture(files: ["index.html": "chat"])
        let server = try ServerProcess(root: site.root.path)
        defer { _ = server.stop() }
        let alice = try RawWebSocket.open(port: server.port, path: "/chat")
        XCTAssertEqual(try alice.nextText(), #"{"wsdev":"join","id":1,"clients":1}"#)
        let bob = try RawWebSocket.open(port: server.port, path: "/chat")
        XCTAssertEqual(try alice.nextText(), #"{"wsdev":"join","id":2,"clients":2}"#)
        XCTAssertEqual(try bob.nextText(), #"{"wsdev":"join","id":2,"clients":2}"#)
        try bob.send(text: "hello all")
        XCTAssertEqual(try alice.nextText(), "hello all")
        XCTAssertEqual(try bob.nextText(), "hello all")
        try alice.send(binary: [9, 8, 7])
        XCTAssertEqual(try bob.receiveMessage().payload, [9, 8, 7])
        _ = try alice.receiveMessage()
        try bob.sendClose()
        XCTAssertEqual(try alice.nextText(), #"{"wsdev":"leave","id":2,"clients":1}"#)
    }
}
