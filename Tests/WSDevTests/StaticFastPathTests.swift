import Foundation
import XCTest

/// The event-loop answers for small files (`FastFileHandler`): the same bytes as the slow path,
/// in request order, never stale, and only where the slow path would have answered the same.
final class StaticFastPathTests: XCTestCase {
    var site: SiteFixture!
    var server: ServerProcess!
    var port: Int { server.port }

    override func setUpWithError() throws {
        site = try SiteFixture(files: [
            "index.html": "<!DOCTYPE html><title>home</title><body>home page</body>",
            "app.js": "console.log('hi')\n",
            "b.txt": "bee\n",
            "sub/index.html": "<p>sub index</p>",
        ])
        // Past SmallFileCache's 64 KiB: sent from disk with sendfile.
        try site.write("big.bin", Self.big(seed: 0))
    }

    override func tearDown() {
        _ = server?.stop()
        server = nil
        site = nil
    }

    private static func big(seed: UInt8) -> Data {
        Data((0..<(300 * 1024)).map { UInt8(truncatingIfNeeded: $0 * 7 + Int(seed)) })
    }

    private func start(_ arguments: [String] = ["--no-reload"], slowOnly: Bool = false) throws {
        server = try ServerProcess(
            commandLine: ["serve", site.root.path, "--port", "0", "--host", "127.0.0.1"] + arguments + (slowOnly ? ["--no-fast-path"] : []))
    }

    private func request(_ method: String, _ target: String, _ extra: String = "") -> String {
        "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n\(extra)\r\n"
    }

    /// Sends all requests at once (pipelined) and reads one reply per request, in order.
    private func exchange(_ requests: [(method: String, raw: String)], on connection: TCPConnection? = nil) throws -> [HTTPReply] {
        let connection = try connection ?? TCPConnection(port: port)
        try connection.send(requests.map(\.raw).joined())
        return try requests.map { try RawHTTP.read(from: connection, method: $0.method) }
    }

    private func get(_ target: String, _ extra: String = "") -> (method: String, raw: String) {
        ("GET", request("GET", target, extra))
    }

    /// Status and headers in order, less Date: what must not differ between the two paths.
    private func shape(_ reply: HTTPReply) -> [String] {
        ["\(reply.status)"] + reply.headers.filter { $0.0.lowercased() != "date" }.map { "\($0.0): \($0.1)" }
    }

    func testPipelinedFastAndSlowAnswersKeepRequestOrder() throws {
        try start()
        _ = try exchange([get("/index.html"), get("/app.js"), get("/b.txt"), get("/big.bin")])  // the slow path fills the table
        let requests = [
            get("/index.html"), get("/missing.html"), get("/app.js"), get("/sub"), get("/big.bin"),
            ("HEAD", request("HEAD", "/app.js")), get("/index.html", "Range: bytes=0-3\r\n"), get("/b.txt"),
            ("POST", request("POST", "/b.txt", "Content-Length: 3\r\n") + "abc"), get("/app.js?v=2"), get("/index.html"),
        ]
        for _ in 0..<3 {
            let replies = try exchange(requests)
            XCTAssertEqual(replies.map(\.status), [200, 404, 200, 301, 200, 200, 206, 200, 405, 200, 200])
            XCTAssertEqual(replies[0].text, "<!DOCTYPE html><title>home</title><body>home page</body>")
            XCTAssertEqual(replies[2].text, "console.log('hi')\n")
            XCTAssertEqual(Data(replies[4].body), Self.big(seed: 0))
            XCTAssertEqual(replies[6].text, "<!DO")
            XCTAssertEqual(replies[7].text, "bee\n")
            XCTAssertEqual(replies[9].text, "console.log('hi')\n")
            XCTAssertEqual(replies[10].text, "<!DOCTYPE html><title>home</title><body>home page</body>")
        }
    }

    func testAnswersMatchTheSlowPathByteForByte() throws {
        let arguments = ["--no-reload", "--cors", "--header", "X-Frame-Options: DENY", "--header", "Cache-Control: max-age=5"]
        let requests = [
            get("/index.html"), get("/index.html"), ("HEAD", request("HEAD", "/app.js")), ("HEAD", request("HEAD", "/app.js")),
            get("/app.js"), get("/app.js"), get("/"), get("/"), get("/sub/"), get("/sub/"),
            get("/big.bin"), get("/big.bin"), ("HEAD", request("HEAD", "/big.bin")), get("/big.bin"),
        ]
        try start(arguments, slowOnly: true)
        let slow = try exchange(requests)
        _ = server.stop()
        try start(arguments)
        let fast = try exchange(requests)
        XCTAssertEqual(fast.map(shape), slow.map(shape))
        XCTAssertEqual(fast.map(\.body), slow.map(\.body))
        XCTAssertEqual(fast[1][header: "X-Frame-Options"], "DENY")
        XCTAssertEqual(fast[1][header: "Access-Control-Allow-Origin"], "*")
        XCTAssertEqual(fast[1][header: "Cache-Control"], "max-age=5")
        XCTAssertNotNil(fast[1][header: "Date"])
        XCTAssertEqual(Data(fast[13].body), Self.big(seed: 0))
        // With the etag known, 304s both ways, and the connection goes on after them.
        let etag = try XCTUnwrap(fast[0][header: "ETag"])
        let modified = try XCTUnwrap(fast[0][header: "Last-Modified"])
        let conditional = [
            get("/index.html", "If-None-Match: \(etag)\r\n"), get("/index.html", "If-Modified-Since: \(modified)\r\n"),
            get("/index.html", "If-None-Match: \"other\"\r\n"), get("/app.js"),
        ]
        let replies = try exchange(conditional)
        XCTAssertEqual(replies.map(\.status), [304, 304, 200, 200])
        XCTAssertEqual(replies[0][header: "ETag"], etag)
        XCTAssertNil(replies[0][header: "Content-Length"])
        XCTAssertEqual(replies[0][header: "X-Frame-Options"], "DENY")
        XCTAssertEqual(replies[3].text, "console.log('hi')\n")
        _ = server.stop()
        try start(arguments, slowOnly: true)
        XCTAssertEqual(try exchange(conditional).map(shape), replies.map(shape))
    }

    func testPagesWithTheReloadScriptAreTheSameBothWays() throws {
        try start([])
        let connection = try TCPConnection(port: port)
        let first = try exchange([get("/index.html"), ("HEAD", request("HEAD", "/index.html"))], on: connection)
        let again = try exchange([get("/index.html"), ("HEAD", request("HEAD", "/index.html"))], on: connection)
        XCTAssertEqual(again.map(shape), first.map(shape))
        XCTAssertEqual(again[0].body, first[0].body)
        XCTAssertTrue(again[0].text.contains("/__wsdev/"), again[0].text)
        XCTAssertEqual(again[0][header: "Accept-Ranges"], "none")
        let etag = try XCTUnwrap(again[0][header: "ETag"])
        XCTAssertEqual(try exchange([get("/index.html", "If-None-Match: \(etag)\r\n")], on: connection)[0].status, 304)
    }

    func testEditsDeletionsAndRetargetedLinksAreSeenOnTheSameConnection() throws {
        try start()
        let connection = try TCPConnection(port: port)
        let before = try exchange([get("/b.txt"), get("/b.txt")], on: connection)
        XCTAssertEqual(before.map(\.text), ["bee\n", "bee\n"])
        usleep(20_000)  // a later modification time, whatever the file system's clock granularity
        try site.write("b.txt", Data("BEE\n".utf8))  // same size: only the version tells
        let after = try exchange([get("/b.txt"), get("/b.txt")], on: connection)
        XCTAssertEqual(after.map(\.text), ["BEE\n", "BEE\n"])
        XCTAssertNotEqual(after[0][header: "ETag"], before[1][header: "ETag"])
        XCTAssertEqual(after[1][header: "ETag"], after[0][header: "ETag"])

        XCTAssertEqual(try exchange([get("/big.bin"), get("/big.bin")], on: connection).map { Data($0.body) }, [Self.big(seed: 0), Self.big(seed: 0)])
        try site.write("big.bin", Self.big(seed: 1))
        XCTAssertEqual(try exchange([get("/big.bin"), get("/big.bin")], on: connection).map { Data($0.body) }, [Self.big(seed: 1), Self.big(seed: 1)])

        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("link.txt").path, withDestinationPath: "b.txt")
        XCTAssertEqual(try exchange([get("/link.txt"), get("/link.txt")], on: connection).map(\.text), ["BEE\n", "BEE\n"])
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("link.txt"))
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("link.txt").path, withDestinationPath: "app.js")
        XCTAssertEqual(try exchange([get("/link.txt")], on: connection)[0].text, "console.log('hi')\n")
        // Now pointing out of the root: the slow path's confinement answers.
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("link.txt"))
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("link.txt").path, withDestinationPath: "/etc/passwd")
        XCTAssertEqual(try exchange([get("/link.txt")], on: connection)[0].status, 403)

        try FileManager.default.removeItem(at: site.root.appendingPathComponent("b.txt"))
        XCTAssertEqual(try exchange([get("/b.txt")], on: connection)[0].status, 404)
    }

    func testConnectionCloseEndsTheConnectionAfterItsAnswer() throws {
        try start()
        _ = try exchange([get("/b.txt")])
        let connection = try TCPConnection(port: port)
        try connection.send(request("GET", "/b.txt") + request("GET", "/b.txt", "Connection: close\r\n") + request("GET", "/b.txt"))
        let replies = try (0..<2).map { _ in try RawHTTP.read(from: connection) }
        XCTAssertEqual(replies.map(\.text), ["bee\n", "bee\n"])
        XCTAssertTrue(connection.isClosedByPeer(), "nothing may be answered after Connection: close")

        // HTTP/1.0 goes the slow path's way, answered all the same.
        let old = try TCPConnection(port: port)
        try old.send("GET /b.txt HTTP/1.0\r\n\r\n")
        let reply = try RawHTTP.read(from: old)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.text, "bee\n")
    }

    func testAccessLogLinesForFastAnswers() throws {
        try start(["--no-reload"])
        _ = try exchange([get("/app.js"), get("/app.js?x=1"), ("HEAD", request("HEAD", "/app.js"))])
        XCTAssertTrue(server.waitForLog("GET /app.js?x=1 200 18 B"), server.log)
        XCTAssertTrue(server.waitForLog("HEAD /app.js 200 18 B"), server.log)
    }
}
