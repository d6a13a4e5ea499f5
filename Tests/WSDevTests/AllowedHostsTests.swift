import Foundation
import XCTest

/// The DNS rebinding defence: a page at `http://evil.example:PORT` whose name an attacker rebinds
/// to 127.0.0.1 sends `Host: evil.example:PORT` (and a matching Origin); wsdev must answer only
/// names that mean this server, on every path: files (slow and fast), WebSockets, live reload.
final class AllowedHostsTests: XCTestCase {
    var site: SiteFixture!
    var server: ServerProcess!
    var port: Int { server.port }

    override func setUpWithError() throws {
        site = try SiteFixture(files: ["a.txt": "aaa\n", "index.html": "<!DOCTYPE html><html><body>home</body></html>"])
    }

    override func tearDown() {
        _ = server?.stop()
        server = nil
        site = nil
    }

    private func start(_ arguments: [String] = []) throws {
        server = try ServerProcess(root: site.root.path, arguments: arguments)
    }

    /// A GET with exactly this Host line (none for nil) on `connection`, and its reply.
    private func get(_ target: String = "/a.txt", host: String?, on connection: TCPConnection? = nil) throws -> HTTPReply {
        let connection = try connection ?? TCPConnection(port: port)
        try connection.send("GET \(target) HTTP/1.1\r\n" + (host.map { "Host: \($0)\r\n" } ?? "") + "\r\n")
        return try RawHTTP.read(from: connection)
    }

    private func handshake(_ path: String = "/echo", host: String, origin: String? = nil, extra: [String: String?] = [:]) throws -> HTTPReply {
        var headers = extra
        headers["Host"] = host
        headers["Origin"] = origin
        return try RawWebSocket.handshake(port: port, path: path, headers: headers).reply
    }

    func testForeignHostIsRefusedOnFilesOnTheSlowAndTheFastPath() throws {
        try start()
        let evil = "evil.example:\(port)"
        // First request of a fresh server: the slow path (RequestRouter).
        let slow = try get(host: evil)
        XCTAssertEqual(slow.status, 403)
        XCTAssertTrue(slow.text.contains("--allowed-host evil.example"), slow.text)
        XCTAssertFalse(slow.text.contains("aaa"))

        // The file served twice by a good name: the event-loop table has it now.
        let connection = try TCPConnection(port: port)
        XCTAssertEqual(try get(host: "localhost:\(port)", on: connection).text, "aaa\n")
        XCTAssertEqual(try get(host: "localhost:\(port)", on: connection).text, "aaa\n")
        XCTAssertEqual(try get(host: evil, on: connection).status, 403, "the fast path must not answer a foreign Host")
        XCTAssertEqual(try get(host: "localhost:\(port)", on: connection).text, "aaa\n", "the connection goes on")
        XCTAssertEqual(try get(host: evil).status, 403, "nor on a new connection")

        XCTAssertTrue(server.waitForLog("Host 'evil.example:\(port)'"), server.log)
        XCTAssertTrue(server.log.contains("--allowed-host evil.example"), server.log)
    }

    func testForeignHostIsRefusedOnWebSocketHandshakesAndLiveReload() throws {
        try start()
        let evil = "evil.example:\(port)"
        // Origin == Host is "a page of this server" only for a Host that names it.
        let echo = try handshake(host: evil, origin: "http://\(evil)")
        XCTAssertEqual(echo.status, 403)
        XCTAssertTrue(echo.text.contains("--allowed-host evil.example"), echo.text)
        XCTAssertEqual(try handshake(host: evil).status, 403, "a client without Origin too")
        XCTAssertEqual(try handshake("/nothing", host: evil).status, 403, "not a 404 listing the endpoints")

        let page = try get("/", host: "localhost:\(port)").text
        let match = try XCTUnwrap(page.range(of: #"token=[0-9a-f]+"#, options: .regularExpression), page)
        let reload = "/__wsdev/reload?\(page[match])&path=%2F"
        let protocols: [String: String?] = ["Sec-WebSocket-Protocol": "wsdev-reload"]
        XCTAssertEqual(try handshake(reload, host: "localhost:\(port)", origin: "http://localhost:\(port)", extra: protocols).status, 101)
        let refused = try handshake(reload, host: evil, origin: "http://\(evil)", extra: protocols)
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(refused.text.contains("DNS rebinding"), refused.text)
        XCTAssertTrue(server.waitForLog("refused 403"), server.log)
        XCTAssertTrue(server.log.contains("Host 'evil.example:\(port)'"), server.log)
    }

    func testLocalNamesAndIPAddressesAreAllowed() throws {
        try start()
        for host in ["localhost:\(port)", "LocalHost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)", "foo.localhost:\(port)", "localhost", "192.168.1.20:\(port)"] {
            XCTAssertEqual(try get(host: host).text, "aaa\n", host)
            XCTAssertEqual(try handshake(host: host, origin: "http://\(host)").status, 101, host)
        }
    }

    func testAllowedHostFlagAllowsNamesAndDomains() throws {
        try start(["--allowed-host", "evil.example", "--allowed-host", ".example.com"])
        for host in ["evil.example:\(port)", "EVIL.example", "a.example.com:\(port)", "b.a.example.com", "example.com:\(port)"] {
            XCTAssertEqual(try get(host: host).text, "aaa\n", host)
        }
        XCTAssertEqual(try handshake(host: "evil.example:\(port)", origin: "http://evil.example:\(port)").status, 101)
        for host in ["evil.example.org:\(port)", "notexample.com", "sub.evil.example"] {
            XCTAssertEqual(try get(host: host).status, 403, host)
        }
    }

    func testAllowedHostAnyTurnsTheCheckOff() throws {
        try start(["--allowed-host", "any"])
        XCTAssertEqual(try get(host: "evil.example:\(port)").text, "aaa\n")
        XCTAssertEqual(try handshake(host: "evil.example:\(port)", origin: "http://evil.example:\(port)").status, 101)
    }

    func testMissingOrRepeatedHostIsABadRequestInHTTP11Only() throws {
        try start()
        let missing = try get(host: nil)
        XCTAssertEqual(missing.status, 400)
        XCTAssertTrue(missing.text.contains("Host"), missing.text)
        let twice = try TCPConnection(port: port)
        try twice.send("GET /a.txt HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: twice).status, 400)
        // HTTP/1.0 has no Host requirement (RFC 9112 §3.2): served.
        let old = try TCPConnection(port: port)
        try old.send("GET /a.txt HTTP/1.0\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: old).text, "aaa\n")
    }

    func testTheCommandLineRejectsAnAllowedHostThatIsNotAName() throws {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["serve", site.root.path, "--port", "0", "--allowed-host", "http://evil.example:80/"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("--allowed-host evil.example"), text)
    }
}
