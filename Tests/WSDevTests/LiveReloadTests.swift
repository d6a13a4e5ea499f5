import Foundation
import XCTest

/// Live reload over real sockets: the injected script and its validators, the reserved channel,
/// and which pages hear about which changes. (Browser flows: `LiveReloadBrowserTests`.)
final class LiveReloadTests: XCTestCase {
    static let index = "<!DOCTYPE html><html><head><title>home</title></head><body><p>home</p></body></html>\n"
    static let files = [
        "index.html": index,
        "a.html": "<html><head><link rel=\"stylesheet\" href=\"style.css\"></head><body>a</body></html>",
        "b.html": "<html><body>b</body></html>",
        "head-only.html": "<html><head><title>no body end</title></head><p>text",
        "fragment.html": "<p>just a fragment</p>",
        "upper.html": "<HTML><BODY>shouting</BODY></HTML>",
        "style.css": "body { color: red }\n",
        "app.js": "console.log('app')\n",
        "sub/x.txt": "x",
    ]

    var site: SiteFixture!
    var server: ServerProcess!
    var port: Int { server.port }

    override func setUpWithError() throws {
        site = try SiteFixture(files: Self.files)
    }

    override func tearDown() {
        _ = server?.stop()
        server = nil
        site = nil
    }

    private func start(_ arguments: [String] = []) throws {
        server = try ServerProcess(root: site.root.path, arguments: arguments)
    }

    private func token() throws -> String {
        let page = try RawHTTP.get("/", port: port).text
        guard let match = page.range(of: #"token=[0-9a-f]+"#, options: .regularExpression) else {
            throw TCPConnection.Failure(description: "no token in the served page:\n\(page)")
        }
        return String(page[match].dropFirst("token=".count))
    }

    /// Connects to the reload channel as the script on `page` does.
    private func listen(as page: String, token: String) throws -> RawWebSocket {
        let path = page.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? page
        let socket = try RawWebSocket.open(
            port: port, path: "/__wsdev/reload?token=\(token)&path=\(path)", headers: ["Sec-WebSocket-Protocol": "wsdev-reload"], timeout: 5)
        XCTAssertEqual(socket.handshake[header: "Sec-WebSocket-Protocol"], "wsdev-reload")
        return socket
    }

    /// The 101 is sent just before the page joins the hub; a change made in between would miss it.
    private func settle() { usleep(100_000) }

    private func write(_ path: String, _ text: String) throws { try site.write(path, Data(text.utf8)) }

    // MARK: - Injection

    func testHTMLAnswersCarryTheScriptWithTheirOwnValidators() throws {
        try start()
        let token = try token()
        let script = "<script data-wsdev=\"live-reload\">"

        let page = try RawHTTP.get("/", port: port)
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page[header: "Content-Length"], String(page.body.count))
        XCTAssertTrue(page.text.hasPrefix("<!DOCTYPE html><html><head><title>home</title></head><body><p>home</p>" + script), page.text)
        XCTAssertTrue(page.text.hasSuffix("</script>\n</body></html>\n"), page.text)
        XCTAssertTrue(page.text.contains("/__wsdev/reload?token=\(token)"))
        let etag = try XCTUnwrap(page[header: "ETag"])
        XCTAssertTrue(etag.hasSuffix("-lr\(token)\""), etag)
        XCTAssertEqual(page[header: "Accept-Ranges"], "none")

        XCTAssertTrue(try RawHTTP.get("/head-only.html", port: port).text.contains("<title>no body end</title>" + script))
        XCTAssertTrue(try RawHTTP.get("/head-only.html", port: port).text.hasSuffix("</script>\n</head><p>text"))
        let fragment = try RawHTTP.get("/fragment.html", port: port).text
        XCTAssertTrue(fragment.hasPrefix("<p>just a fragment</p>" + script) && fragment.hasSuffix("</script>\n"), fragment)
        XCTAssertTrue(try RawHTTP.get("/upper.html", port: port).text.hasSuffix("</script>\n</BODY></HTML>"))

        // HEAD agrees with GET without sending the page.
        let connection = try TCPConnection(port: port)
        try connection.send("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\nGET /app.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        let head = try RawHTTP.read(from: connection, method: "HEAD")
        XCTAssertEqual(head[header: "Content-Length"], String(page.body.count))
        XCTAssertEqual(head[header: "ETag"], etag)
        XCTAssertEqual(try RawHTTP.read(from: connection).text, "console.log('app')\n", "HEAD sent a body")

        // 304 for this run's page; the plain file's tag is another representation.
        XCTAssertEqual(try RawHTTP.get("/", port: port, headers: ["If-None-Match": etag]).status, 304)
        let plainTag = etag.replacingOccurrences(of: "-lr\(token)", with: "")
        XCTAssertEqual(try RawHTTP.get("/", port: port, headers: ["If-None-Match": plainTag]).status, 200)
        let modified = try XCTUnwrap(page[header: "Last-Modified"])
        XCTAssertEqual(try RawHTTP.get("/", port: port, headers: ["If-Modified-Since": modified]).status, 304)

        // A range of an injected page is answered with the whole page.
        let ranged = try RawHTTP.get("/", port: port, headers: ["Range": "bytes=0-9"])
        XCTAssertEqual(ranged.status, 200)
        XCTAssertEqual(ranged.body, page.body)

        // Generated pages get it too, so creating the missing file reloads them.
        XCTAssertTrue(try RawHTTP.get("/sub/", port: port).text.contains(script))
        let missing = try RawHTTP.get("/missing.html", port: port)
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue(missing.text.contains(script))
        XCTAssertEqual(missing[header: "Content-Length"], String(missing.body.count))

        // Everything else goes out untouched.
        XCTAssertEqual(try RawHTTP.get("/style.css", port: port).text, Self.files["style.css"])
        XCTAssertEqual(try RawHTTP.get("/style.css", port: port, headers: ["Range": "bytes=0-3"]).text, "body")
    }

    func testNoReloadServesByteIdenticalFilesAndHasNoChannel() throws {
        try start(["--no-reload"])
        for (path, text) in Self.files {
            let reply = try RawHTTP.get("/" + path, port: port)
            XCTAssertEqual(reply.body, Array(text.utf8), path)
        }
        let page = try RawHTTP.get("/", port: port)
        XCTAssertEqual(page.body, Array(Self.index.utf8))
        XCTAssertFalse(try XCTUnwrap(page[header: "ETag"]).contains("-lr"))
        XCTAssertEqual(page[header: "Accept-Ranges"], "bytes")
        XCTAssertEqual(try RawHTTP.get("/", port: port, headers: ["Range": "bytes=0-8"]).text, "<!DOCTYPE")
        XCTAssertFalse(try RawHTTP.get("/sub/", port: port).text.contains("wsdev-reload"))
        XCTAssertFalse(try RawHTTP.get("/nothing", port: port).text.contains("<script"))
        let (socket, reply) = try RawWebSocket.handshake(
            port: port, path: "/__wsdev/reload?token=x", headers: ["Sec-WebSocket-Protocol": "wsdev-reload"])
        XCTAssertNil(socket)
        XCTAssertEqual(reply.status, 404)
        try write("b.html", "changed")
        usleep(300_000)
        XCTAssertFalse(server.log.contains("live reload"), server.log)
    }

    // MARK: - The channel

    func testTheChannelIsReservedAndChecksItsToken() throws {
        try start()
        let token = try token()
        // The banner names the console's page (/__wsdev/), never the channels under it.
        XCTAssertFalse(server.log.contains("/__wsdev/reload") || server.log.contains("ws://localhost:\(port)/__wsdev"), "the reserved endpoint is not in the banner:\n\(server.log)")
        XCTAssertTrue(server.log.contains("live reload"), server.log)

        let (noToken, refused) = try RawWebSocket.handshake(port: port, path: "/__wsdev/reload", headers: ["Sec-WebSocket-Protocol": "wsdev-reload"])
        XCTAssertNil(noToken)
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(refused.text.contains("live-reload channel"), refused.text)
        XCTAssertTrue(server.waitForLog("refused 403"), server.log)

        let (noProtocol, wrongProtocol) = try RawWebSocket.handshake(port: port, path: "/__wsdev/reload?token=\(token)")
        XCTAssertNil(noProtocol)
        XCTAssertEqual(wrongProtocol.status, 400)
        XCTAssertTrue(wrongProtocol.text.contains("wsdev-reload"), wrongProtocol.text)

        // A token from an earlier run: accepted, then closed with 1008, which the script answers by reloading.
        let stale = try listen(as: "/", token: "0123456789abcdef")
        let close = try stale.receiveMessage()
        XCTAssertEqual(close.opcode, RawWebSocket.close)
        XCTAssertEqual(close.closeCode, 1008)
        XCTAssertTrue(close.closeReason.hasPrefix("stale"), close.closeReason)
        XCTAssertTrue(server.waitForLog("earlier wsdev run"), server.log)

        // The page's own sockets keep their numbers and their log lines; the channel has neither.
        let current = try listen(as: "/", token: token)
        let echo = try RawWebSocket.open(port: port)
        try echo.send(text: "still mine")
        XCTAssertEqual(try echo.receiveMessage().text, "still mine")
        XCTAssertTrue(server.waitForLog("WS   /echo #1 open"), server.log)
        XCTAssertFalse(server.log.contains("WS   /__wsdev"), server.log)
        try current.sendClose()
    }

    func testChangesReachOnlyThePagesTheyAffect() throws {
        try start()
        let token = try token()
        let a = try listen(as: "/a.html", token: token)
        let b = try listen(as: "/b.html", token: token)
        let home = try listen(as: "/", token: token)
        let listing = try listen(as: "/sub/", token: token)
        settle()

        try write("b.html", "<html><body>b, edited</body></html>")
        XCTAssertEqual(try b.receiveMessage().text, #"{"do":"reload"}"#)
        XCTAssertTrue(server.waitForLog("live reload: b.html changed; reloading 1 page\n"), server.log)

        // Had a, home or the listing been told about b.html, this would not be their next message.
        try write("style.css", "body { color: green }\n")
        for page in [a, b, home] { XCTAssertEqual(try page.receiveMessage().text, #"{"do":"restyle"}"#) }
        XCTAssertTrue(server.waitForLog("live reload: style.css changed; restyling 3 pages in place"), server.log)

        try write("sub/y.txt", "a new entry")
        XCTAssertEqual(try listing.receiveMessage().text, #"{"do":"reload"}"#)

        try write("app.js", "console.log('edited')\n")
        for page in [a, b, home] { XCTAssertEqual(try page.receiveMessage().text, #"{"do":"reload"}"#) }
        XCTAssertTrue(server.waitForLog("live reload: app.js changed; reloading 3 pages"), server.log)
    }

    func testEditorLitterIsIgnoredAndAtomicSavesAndNewFoldersAreSeen() throws {
        try start()
        let a = try listen(as: "/a.html", token: try token())
        settle()
        for litter in [".a.html.swp", "a.html~", "4913", ".git/index", "#a.html#", ".#a.html"] { try write(litter, "x") }
        // Written to a temporary file, then renamed over the page, as many editors save.
        try write("a.html.tmp", "<html><body>a, saved atomically</body></html>")
        XCTAssertEqual(rename(site.root.appendingPathComponent("a.html.tmp").path, site.root.appendingPathComponent("a.html").path), 0)
        XCTAssertEqual(try a.receiveMessage().text, #"{"do":"reload"}"#)
        XCTAssertTrue(server.waitForLog("live reload: a.html changed; reloading 1 page\n"), server.log)
        let batches = server.log.split(separator: "\n").filter { $0.contains("live reload: ") && $0.contains(" changed") }
        XCTAssertEqual(batches.count, 1, "litter and the temporary file were reported:\n\(server.log)")

        // Unlink and create: the delete and the new file arrive in one batch.
        XCTAssertEqual(unlink(site.root.appendingPathComponent("a.html").path), 0)
        try write("a.html", "<html><body>a, recreated</body></html>")
        XCTAssertEqual(try a.receiveMessage().text, #"{"do":"reload"}"#)

        // A folder made after the start is watched too.
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent("new/deeper"), withIntermediateDirectories: true)
        XCTAssertTrue(server.waitForLog("live reload: new, new/deeper changed"), server.log)
        try write("new/deeper/page.js", "1")
        XCTAssertTrue(server.waitForLog("live reload: new/deeper/page.js changed"), server.log)
    }

    func testBurstsOfWritesAreBatched() throws {
        try start()
        let a = try listen(as: "/a.html", token: try token())
        settle()
        // Five separate saves 10 ms apart: the first goes out at once, the rest wait for the debounce
        // (50 ms between batches), so normally two batches; a loaded machine may stretch the saves.
        let started = Date()
        for round in 0..<5 {
            try write("app.js", "console.log(\(round))\n")
            usleep(10_000)
        }
        let span = Date().timeIntervalSince(started)
        XCTAssertEqual(try a.receiveMessage().text, #"{"do":"reload"}"#)
        usleep(300_000)
        let saves = server.log.split(separator: "\n").filter { $0.contains("live reload: app.js changed") }
        XCTAssertLessThanOrEqual(saves.count, 2 + Int(span / 0.05), "saves took \(Int(span * 1000)) ms:\n\(server.log)")

        // One file written in pieces while it stays open: nothing goes out until it is closed.
        let handle = try FileHandle(forWritingTo: site.root.appendingPathComponent("b.html"))
        for piece in 0..<5 {
            try handle.write(contentsOf: Data("<p>piece \(piece)</p>".utf8))
            usleep(30_000)
        }
        XCTAssertFalse(server.log.contains("live reload: b.html changed"), "reported while still being written:\n\(server.log)")
        try handle.close()
        XCTAssertTrue(server.waitForLog("live reload: b.html changed"), server.log)
        usleep(200_000)
        XCTAssertEqual(server.log.components(separatedBy: "live reload: b.html changed").count - 1, 1, server.log)
    }

    func testPollingSeesChangesToo() throws {
        try start(["--poll"])
        XCTAssertTrue(server.log.contains("live reload (polling)"), server.log)
        let a = try listen(as: "/a.html", token: try token())
        settle()
        try write("a.html", "<html><body>polled</body></html>")
        XCTAssertEqual(try a.receiveMessage().text, #"{"do":"reload"}"#)
        try write("style.css", "p { color: blue }")
        XCTAssertEqual(try a.receiveMessage().text, #"{"do":"restyle"}"#)
        XCTAssertTrue(server.waitForLog("live reload: style.css changed; restyling 1 page in place"), server.log)
    }
}
