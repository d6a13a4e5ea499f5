import Foundation
import XCTest

/// Static files over real sockets against the real binary.
final class StaticFileTests: XCTestCase {
    var site: SiteFixture!
    var server: ServerProcess!
    var port: Int { server.port }

    override func setUpWithError() throws {
        site = try SiteFixture(files: [
            "index.html": "<!DOCTYPE html><title>home</title><body>home page</body>",
            "app.js": "console.log('hi')\n",
            "style.css": "body { color: red }\n",
            "module.mjs": "export const x = 1\n",
            "data.json": "{\"a\": 1}\n",
            "sub/index.html": "<p>sub index</p>",
            "list/b.txt": "b", "list/a file.txt": "a", "list/.hidden": "secret",
            ".env": "SECRET=1", ".git/config": "[core]",
            "notes.dat": "{\"looks\": [\"like\", \"json\"]}\n",
            "readme": "plain words in a file without an extension\n",
        ])
        // An extensionless PNG: only content sniffing can tell what it is.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52,
                            0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0]
        try site.write("picture", Data(png))
        try site.write("hundred.bin", Data((0..<100).map { UInt8($0) }))
        // Files exactly as on disk; the live-reload script injected into HTML is tested on its own.
        server = try ServerProcess(root: site.root.path, arguments: ["--no-reload"])
    }

    override func tearDown() {
        _ = server?.stop()
        server = nil
        site = nil
    }

    func testServesIndexAndFilesWithValidators() throws {
        let reply = try RawHTTP.get("/", port: port)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.text, "<!DOCTYPE html><title>home</title><body>home page</body>")
        XCTAssertEqual(reply[header: "Content-Type"], "text/html; charset=utf-8")
        XCTAssertEqual(reply[header: "Cache-Control"], "no-cache")
        XCTAssertNotNil(reply[header: "Last-Modified"])
        let etag = try XCTUnwrap(reply[header: "ETag"])
        XCTAssertTrue(etag.hasPrefix("\"") && !etag.hasPrefix("W/"), "strong ETag expected, got \(etag)")
        XCTAssertEqual(reply[header: "Content-Length"], String(reply.body.count))
        let date = try XCTUnwrap(reply[header: "Date"], "HTTP/1.1 responses carry a Date")
        XCTAssertLessThan(abs(Double(try XCTUnwrap(seconds(fromHTTPDate: date))) - Date().timeIntervalSince1970), 5)
        XCTAssertTrue(server.waitForLog("GET / 200"), "access log line missing:\n\(server.log)")
    }

    func testHeadHasHeadersButNoBody() throws {
        let connection = try TCPConnection(port: port)
        try connection.send("HEAD /app.js HTTP/1.1\r\nHost: localhost\r\n\r\nGET /app.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        let head = try RawHTTP.read(from: connection, method: "HEAD")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head[header: "Content-Length"], "18")
        // If HEAD had sent a body, these bytes would be read as the next status line.
        let get = try RawHTTP.read(from: connection)
        XCTAssertEqual(get.status, 200)
        XCTAssertEqual(get.text, "console.log('hi')\n")
    }

    func testOtherMethodsGet405WithAllow() throws {
        for method in ["POST", "PUT", "DELETE"] {
            let reply = try RawHTTP.get("/index.html", port: port, method: method)
            XCTAssertEqual(reply.status, 405, method)
            XCTAssertEqual(reply[header: "Allow"], "GET, HEAD", method)
        }
    }

    func testMediaTypes() throws {
        let expected = [
            "/app.js": "text/javascript; charset=utf-8",
            "/module.mjs": "text/javascript; charset=utf-8",
            "/style.css": "text/css; charset=utf-8",
            "/data.json": "application/json",
            "/picture": "image/png",  // libmagic: no extension
            "/notes.dat": "application/json",  // libmagic: content, not the name
            "/readme": "text/plain; charset=utf-8",
        ]
        for (path, type) in expected {
            XCTAssertEqual(try RawHTTP.get(path, port: port)[header: "Content-Type"], type, path)
        }
        // The second answer comes from the cache and must agree.
        XCTAssertEqual(try RawHTTP.get("/picture", port: port)[header: "Content-Type"], "image/png")
    }

    /// A file replaced by another of the same size and modification time (a rename over it, times
    /// copied) is a new file: its media type is sniffed again, not taken from the cache.
    func testAReplacedFileIsSniffedAgain() throws {
        XCTAssertEqual(try RawHTTP.get("/picture", port: port)[header: "Content-Type"], "image/png")
        let picture = site.root.appendingPathComponent("picture").path
        let replacement = site.root.appendingPathComponent("picture.new").path
        let gif = Data([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 24))
        try gif.write(to: URL(fileURLWithPath: replacement))
        var old = stat()
        XCTAssertEqual(stat(picture, &old), 0)
        XCTAssertEqual(Int(old.st_size), gif.count)
        let times = [old.st_atim, old.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, replacement, times, 0), 0)
        XCTAssertEqual(rename(replacement, picture), 0)
        let reply = try RawHTTP.get("/picture", port: port)
        XCTAssertEqual(reply[header: "Content-Type"], "image/gif")
        XCTAssertEqual(Data(reply.body), gif)
    }

    func testDirectoriesRedirectIndexAndListing() throws {
        let redirect = try RawHTTP.get("/sub?x=1", port: port)
        XCTAssertEqual(redirect.status, 301)
        XCTAssertEqual(redirect[header: "Location"], "/sub/?x=1")
        XCTAssertEqual(try RawHTTP.get("/sub/", port: port).text, "<p>sub index</p>")

        let listing = try RawHTTP.get("/list/", port: port)
        XCTAssertEqual(listing.status, 200)
        XCTAssertEqual(listing[header: "Content-Type"], "text/html; charset=utf-8")
        XCTAssertTrue(listing.text.contains("href=\"a%20file.txt\""), listing.text)
        XCTAssertTrue(listing.text.contains("b.txt"))
        XCTAssertFalse(listing.text.contains(".hidden"), "dotfiles must not be listed")
        XCTAssertEqual(try RawHTTP.get("/list/a%20file.txt", port: port).text, "a")
    }

    func testConfinement() throws {
        let outside = site.root.deletingLastPathComponent().appendingPathComponent("wsdev-outside-\(UUID().uuidString).txt")
        try Data("outside secret".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("escape.txt").path, withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("etc").path, withDestinationPath: "/etc")
        let name = outside.lastPathComponent
        let attempts = [
            "/../\(name)", "/%2e%2e/\(name)", "/%2E%2E%2F\(name)", "/sub/..%2F..%2F\(name)", "/..%5C\(name)",
            "/index.html%00.txt", "/escape.txt", "/etc/passwd", "/etc/", "/.env", "/.git/config", "/%2eenv", "/list/.hidden",
            "/%ZZ", "//etc/passwd",
        ]
        for target in attempts {
            let reply = try RawHTTP.get(target, port: port)
            XCTAssertTrue([403, 404].contains(reply.status), "\(target) answered \(reply.status)")
            XCTAssertFalse(reply.text.contains("outside secret") || reply.text.contains("root:") || reply.text.contains("SECRET"), target)
        }
        XCTAssertEqual(try RawHTTP.get("/escape.txt", port: port).status, 403)
        XCTAssertEqual(try RawHTTP.get("/nothing-here", port: port).status, 404)
    }

    func testConditionalRequests() throws {
        let first = try RawHTTP.get("/app.js", port: port)
        let etag = try XCTUnwrap(first[header: "ETag"])
        let modified = try XCTUnwrap(first[header: "Last-Modified"])
        let byTag = try RawHTTP.get("/app.js", port: port, headers: ["If-None-Match": etag])
        XCTAssertEqual(byTag.status, 304)
        XCTAssertEqual(byTag[header: "ETag"], etag)
        XCTAssertTrue(byTag.body.isEmpty)
        XCTAssertEqual(try RawHTTP.get("/app.js", port: port, headers: ["If-None-Match": "\"other\", \(etag)"]).status, 304)
        XCTAssertEqual(try RawHTTP.get("/app.js", port: port, headers: ["If-None-Match": "\"other\""]).status, 200)
        XCTAssertEqual(try RawHTTP.get("/app.js", port: port, headers: ["If-Modified-Since": modified]).status, 304)
        XCTAssertEqual(try RawHTTP.get("/app.js", port: port, headers: ["If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"]).status, 200)

        // An edit must never be served stale, even within the same second.
        try site.write("app.js", Data("console.log('edited')\n".utf8))
        let after = try RawHTTP.get("/app.js", port: port, headers: ["If-None-Match": etag])
        XCTAssertEqual(after.status, 200)
        XCTAssertEqual(after.text, "console.log('edited')\n")
        XCTAssertNotEqual(after[header: "ETag"], etag)
    }

    func testRanges() throws {
        func range(_ value: String, extra: [String: String] = [:]) throws -> HTTPReply {
            try RawHTTP.get("/hundred.bin", port: port, headers: ["Range": value].merging(extra) { $1 })
        }
        let all = (0..<100).map { UInt8($0) }
        var reply = try range("bytes=10-19")
        XCTAssertEqual(reply.status, 206)
        XCTAssertEqual(reply[header: "Content-Range"], "bytes 10-19/100")
        XCTAssertEqual(reply.body, Array(all[10...19]))
        reply = try range("bytes=-10")
        XCTAssertEqual(reply[header: "Content-Range"], "bytes 90-99/100")
        XCTAssertEqual(reply.body, Array(all[90...]))
        reply = try range("bytes=95-")
        XCTAssertEqual(reply.body, Array(all[95...]))
        reply = try range("bytes=90-1000")
        XCTAssertEqual(reply[header: "Content-Range"], "bytes 90-99/100")
        reply = try range("bytes=-1000")
        XCTAssertEqual(reply.body, all)
        reply = try range("bytes=1000-")
        XCTAssertEqual(reply.status, 416)
        XCTAssertEqual(reply[header: "Content-Range"], "bytes */100")
        XCTAssertEqual(reply[header: "Content-Length"], "0")
        XCTAssertEqual(try range("bytes=100-200").status, 416)
        XCTAssertEqual(try range("bytes=-0").status, 416)
        XCTAssertEqual(try range("bytes=5-2").status, 200, "an invalid range is ignored")
        XCTAssertEqual(try range("items=0-5").status, 200)

        let etag = try XCTUnwrap(try RawHTTP.get("/hundred.bin", port: port)[header: "ETag"])
        XCTAssertEqual(try range("bytes=0-9", extra: ["If-Range": etag]).status, 206)
        let stale = try range("bytes=0-9", extra: ["If-Range": "\"stale\""])
        XCTAssertEqual(stale.status, 200)
        XCTAssertEqual(stale.body, all)
    }

    func testLargeFileStreamsIntact() throws {
        var big = Data(count: 5 * 1024 * 1024 + 17)
        big.withUnsafeMutableBytes { bytes in for i in 0..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 9) } }
        try site.write("big.bin", big)
        let reply = try RawHTTP.get("/big.bin", port: port)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.body.count, big.count)
        XCTAssertTrue(Data(reply.body) == big, "streamed bytes differ")
        let tail = try RawHTTP.get("/big.bin", port: port, headers: ["Range": "bytes=-1000"])
        XCTAssertEqual(Data(tail.body), big.suffix(1000))
    }
}

/// Parses an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT".
func seconds(fromHTTPDate text: String) -> Int? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return formatter.date(from: text).map { Int($0.timeIntervalSince1970) }
}
