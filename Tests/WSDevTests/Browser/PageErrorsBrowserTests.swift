import Foundation
import XCTest

/// A page's own WebSocket mistakes, as the page's console shows them (over the DevTools
/// protocol's Runtime.consoleAPICalled), the overlay, and a page waiting quietly for a stopped server.
final class PageErrorsBrowserTests: XCTestCase {
    private var fixture: HandlerFixture?
    private var servers: [ServerProcess] = []
    private var browser: Chromium?

    override func tearDown() {
        browser?.close()
        browser = nil
        fixture = nil
        for server in servers { _ = server.stop() }
        servers = []
    }

    /// A page that opens each of `sockets` ("path" or "path protocol") once its reload channel is up.
    static func page(opening sockets: [String]) -> String {
        let opens = sockets.map { socket -> String in
            let parts = socket.split(separator: " ")
            let protocols = parts.count > 1 ? ", \"\(parts[1])\"" : ""
            return "new WebSocket(\"ws://\" + location.host + \"\(parts[0])\"\(protocols));"
        }
        return """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>mistakes</title></head>
            <body><h1>mistakes</h1><script>setTimeout(() => { \(opens.joined(separator: " ")) }, 400);</script></body></html>

            """
    }

    private func handlers(_ arguments: [String] = []) throws -> HandlerFixture {
        let fixture = try HandlerFixture([
            "room.sh": "#!/bin/sh\n# wsdev: protocols=superchat\nwhile read line; do echo \"$line\"; done\n",
            "fail.sh": "#!/bin/sh\necho 'the database is locked' >&2\nexit 3\n",
        ], arguments: arguments)
        try fixture.write("off.sh", "#!/bin/sh\necho never\n", executable: false)
        _ = try fixture.waitForStatus("/off", 500)
        self.fixture = fixture
        return fixture
    }

    private func open(_ url: String) throws -> Chromium.Page {
        if browser == nil { browser = try Chromium() }
        let page = try browser!.openPage()
        try page.navigate(to: url)
        return page
    }

    private func consoleErrors() -> [String] {
        (browser?.console ?? []).filter { $0.hasPrefix("console.error: ") }.map { String($0.dropFirst("console.error: ".count)) }
    }

    func testThePagesConsoleSaysWhyEachOfItsWebSocketsFailedAndHowToFixIt() throws {
        let fixture = try handlers()
        try fixture.site.write("mistakes.html", Data(Self.page(opening: ["/echoo", "/off", "/room chat", "/fail"]).utf8))
        let page = try open("http://127.0.0.1:\(fixture.port)/mistakes.html")
        try browser!.waitUntil(timeout: 10, "four errors in the page's console (has: \(consoleErrors()))") { consoleErrors().count >= 4 }
        let errors = consoleErrors().joined(separator: "\n")
        XCTAssertTrue(errors.contains("wsdev refused the WebSocket to /echoo (HTTP 404): No WebSocket endpoint at /echoo. Did you mean /echo?"), errors)
        XCTAssertTrue(errors.contains("wsdev refused the WebSocket to /off (HTTP 500): The handler \(fixture.handlers.path)/off.sh cannot run: "
            + "it is not executable. Run: chmod +x \(fixture.handlers.path)/off.sh"), errors)
        XCTAssertTrue(errors.contains("/room supports the subprotocols superchat, but the client offered chat."), errors)
        XCTAssertTrue(errors.contains("with 1011: the handler for /fail ended with exit 3; the last line it printed on stderr: the database is locked"), errors)

        let overlay = "document.querySelector('wsdev-overlay')"
        XCTAssertEqual(try page.evaluate("\(overlay).shadowRoot.querySelectorAll('li').length") as? NSNumber, 4)
        XCTAssertEqual(try page.evaluate("document.body.textContent.includes('Did you mean')") as? Bool, false, "the overlay lives outside the page's own DOM")
        _ = try page.evaluate("\(overlay).shadowRoot.querySelector('button').click(); true")
        XCTAssertEqual(try page.evaluate("\(overlay) === null") as? Bool, true, "dismissed")
    }

    func testWithNoOverlayOnlyTheConsoleSaysIt() throws {
        let fixture = try handlers(["--no-overlay"])
        try fixture.site.write("mistakes.html", Data(Self.page(opening: ["/echoo"]).utf8))
        let page = try open("http://127.0.0.1:\(fixture.port)/mistakes.html")
        try browser!.waitUntil(timeout: 10, "the error in the page's console") { consoleErrors().contains { $0.contains("Did you mean /echo?") } }
        usleep(200_000)
        XCTAssertEqual(try page.evaluate("document.querySelector('wsdev-overlay') === null") as? Bool, true)
    }

    func testWhileTheServerIsDownThePageWaitsWithoutFillingItsConsole() throws {
        // An icon of its own, so the only requests that can fail are the reload channel's.
        let page = LiveReloadBrowserTests.page("home").replacingOccurrences(of: "<head>", with: "<head><link rel=\"icon\" href=\"data:,\">")
        let site = try SiteFixture(files: ["index.html": page])
        let first = try ServerProcess(root: site.root.path)
        servers.append(first)
        let port = first.port
        if browser == nil { browser = try Chromium() }
        let tab = try browser!.openPage()
        try tab.enableLog()
        try tab.navigate(to: "http://127.0.0.1:\(port)/")
        try browser!.waitUntil(timeout: 5, "the reload channel") { try tab.evaluate("window.reloadChannelOpen === true") as? Bool == true }
        let (logBefore, consoleBefore) = (browser!.logEntries.count, browser!.console.count)

        XCTAssertEqual(first.stop().status, 0)
        let down = Date()
        try browser!.waitUntil(timeout: 7, "six seconds of a stopped server") { Date().timeIntervalSince(down) > 6 }
        let noise = Array(browser!.logEntries.dropFirst(logBefore) + browser!.console.dropFirst(consoleBefore))
        XCTAssertEqual(noise, [], "while the server was down the page's console got these")

        // The page noticed the new run: it reloads (once) and listens again.
        let second = try ServerProcess(commandLine: ["serve", site.root.path, "--port", String(port), "--host", "127.0.0.1"])
        servers.append(second)
        try browser!.waitUntil(timeout: 10, "the page to reload for the new run") {
            (try? tab.evaluate("Number(sessionStorage.getItem('loads'))")) as? NSNumber == 2 && (try? tab.evaluate("window.reloadChannelOpen === true")) as? Bool == true
        }
    }
}
