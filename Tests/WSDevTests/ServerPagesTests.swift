import Foundation
import XCTest

/// The pages wsdev makes itself, folder listings and 404s: the tutorial page's look, sizes and
/// dates, a link home, and on a 404 the WebSocket endpoints (a ws:// address opened as a page).
final class ServerPagesTests: ServerTestCase {
    override var siteFiles: [String: String] {
        ["files/small.txt": "12345", "files/big.txt": String(repeating: "x", count: 2048), "files/sub/inner.txt": "i", "files/<b>&.txt": "odd"]
    }
    override var serverArguments: [String] { ["--no-reload"] }

    func testAFolderListingHasSizesDatesAndALinkHome() throws {
        let reply = try RawHTTP.get("/files/", port: port)
        XCTAssertEqual(reply.status, 200)
        let page = reply.text
        XCTAssertTrue(page.contains("<a href=\"/\">← home</a>"), page)
        XCTAssertTrue(page.contains("<a href=\"../\">../</a>"), page)
        XCTAssertTrue(page.contains("<a href=\"big.txt\">big.txt</a></td><td class=\"size\">2.0 KiB</td>"), page)
        XCTAssertTrue(page.contains("<a href=\"small.txt\">small.txt</a></td><td class=\"size\">5 B</td>"), page)
        XCTAssertNotNil(page.range(of: #"<td class="date">\d{4}-\d{2}-\d{2} \d{2}:\d{2}</td>"#, options: .regularExpression), page)
        let folder = try XCTUnwrap(page.range(of: "sub/</a>")), file = try XCTUnwrap(page.range(of: "big.txt</a>"))
        XCTAssertLessThan(folder.lowerBound, file.lowerBound, "folders first")
        XCTAssertTrue(page.contains("&lt;b&gt;&amp;.txt</a>") && !page.contains("<b>&"), "names are escaped:\n\(page)")
        XCTAssertTrue(page.contains("max-width: 44rem"), "the tutorial page's width and type")
        XCTAssertFalse(page.contains("src=\"http") || page.contains("href=\"http"), "no external assets")
    }

    func testA404ListsTheWebSocketEndpointsAndLinksHome() throws {
        let reply = try RawHTTP.get("/echoo", port: port)
        XCTAssertEqual(reply.status, 404)
        let page = reply.text
        XCTAssertTrue(page.contains("Nothing at /echoo in the document root."), page)
        XCTAssertTrue(page.contains("<a href=\"/\">← home</a>"), page)
        XCTAssertTrue(page.contains("<li><code>ws://127.0.0.1:\(port)/echo</code></li>"), page)
        XCTAssertTrue(page.contains("<li><code>ws://127.0.0.1:\(port)/chat</code></li>"), page)
        XCTAssertTrue(page.contains("max-width: 44rem"), page)

        let bare = try ServerProcess(root: site.root.path, arguments: ["--no-reload", "--no-builtins", "--handlers", site.root.appendingPathComponent("files/sub").path])
        defer { _ = bare.stop() }
        let none = try RawHTTP.get("/nope", port: bare.port)
        XCTAssertEqual(none.status, 404)
        XCTAssertFalse(none.text.contains("WebSocket endpoints on this server"), "no list without endpoints:\n\(none.text)")
    }
}
