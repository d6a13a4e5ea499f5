import Foundation
import XCTest

/// Live reload in a real headless Chromium: saving reloads the page, saving a stylesheet restyles
/// it in place, atomic saves count, a page's own WebSocket is left alone, and `--no-reload` is off.
final class LiveReloadBrowserTests: XCTestCase {
    /// A page that records, for the test, when it loaded, how often this tab loaded it, and whether
    /// the reload channel is open (by watching the WebSocket constructor the injected script uses).
    static func page(_ title: String, body: String = "") -> String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(title)</title>
        <link rel="stylesheet" href="style.css">
        <script>
          window.loadedAt = Date.now();
          sessionStorage.setItem("loads", String(Number(sessionStorage.getItem("loads") || 0) + 1));
          const NativeWebSocket = window.WebSocket;
          window.WebSocket = class extends NativeWebSocket {
            constructor(url, protocols) {
              super(url, protocols);
              if (String(url).includes("/__wsdev/")) this.addEventListener("open", () => { window.reloadChannelOpen = true; });
            }
          };
        </script>
        </head>
        <body><h1>\(title)</h1>\(body)</body></html>

        """
    }

    static let red = "body { color: rgb(255, 0, 0) }\n"

    private var site: SiteFixture!
    private var server: ServerProcess?
    private var browser: Chromium?

    override func setUpWithError() throws {
        site = try SiteFixture(files: [
            "index.html": Self.page("home"),
            "a.html": Self.page("a", body: """
                <script>
                  window.echoes = [];
                  window.echo = new WebSocket("ws://" + location.host + "/echo");
                  window.echo.onmessage = (event) => window.echoes.push(event.data);
                </script>
                """),
            "b.html": Self.page("b"),
            "style.css": Self.red,
        ])
    }

    override func tearDown() {
        browser?.close()
        browser = nil
        if let server { _ = server.stop() }
        server = nil
        site = nil
        super.tearDown()
    }

    // MARK: - Steps

    private func start(_ arguments: [String] = []) throws -> ServerProcess {
        let server = try ServerProcess(root: site.root.path, arguments: arguments)
        self.server = server
        return server
    }

    private func open(_ path: String, port: Int, waitForChannel: Bool = true) throws -> Chromium.Page {
        if browser == nil { browser = try Chromium() }
        let page = try browser!.openPage()
        do {
            try page.navigate(to: "http://127.0.0.1:\(port)\(path)")
        } catch {
            // Say whether the server is still there and what it printed, not only what Chromium saw.
            let state = server.map { $0.process.isRunning ? "still running" : "exited with \($0.process.terminationStatus)" } ?? "not started"
            throw TCPConnection.Failure(description: "\(error); the server is \(state); it printed:\n\(server?.log ?? "")")
        }
        if waitForChannel { try self.waitForChannel(page) }
        return page
    }

    private func waitForChannel(_ page: Chromium.Page) throws {
        try browser!.waitUntil(timeout: 5, "the page's reload channel to open") {
            (try? page.evaluate("window.reloadChannelOpen === true")) as? Bool == true
        }
    }

    /// How often this tab has loaded its page; nil while a reload is under way.
    private func loads(_ page: Chromium.Page) -> Int? {
        (try? page.evaluate("Number(sessionStorage.getItem('loads'))")).flatMap { ($0 as? NSNumber)?.intValue }
    }

    private func waitForLoads(_ count: Int, _ page: Chromium.Page, timeout: TimeInterval = patience) throws {
        try browser!.waitUntil(timeout: timeout, "load number \(count) (now \(String(describing: loads(page))))") {
            loads(page) == count && (try? page.evaluate("document.readyState")) as? String == "complete"
        }
    }

    private func write(_ path: String, _ text: String) throws { try site.write(path, Data(text.utf8)) }

    private func milliseconds() -> Double { Date().timeIntervalSince1970 * 1000 }

    // MARK: - Tests

    /// Reports the write → reload latency (the issue's 100 ms target) without asserting it: timing
    /// targets belong to benchmarks, and a busy machine would make such an assertion flaky.
    func testEditingHTMLReloadsThePageAndReportsTheLatency() throws {
        let server = try start()
        let page = try open("/", port: server.port)
        var latencies: [Double] = []
        var told: [Double] = []
        for round in 1...7 {
            try waitForChannel(page)
            let written = milliseconds()
            try write("index.html", Self.page("round \(round)"))
            try waitForLoads(round + 1, page)
            let loadedAt = try XCTUnwrap(page.evaluate("window.loadedAt") as? NSNumber).doubleValue
            let navigationStart = try XCTUnwrap(page.evaluate("performance.timeOrigin") as? NSNumber).doubleValue
            latencies.append(loadedAt - written)
            told.append(navigationStart - written)
            XCTAssertEqual(try page.evaluate("document.querySelector('h1').textContent") as? String, "round \(round)")
        }
        let sorted = latencies.sorted()
        let median = sorted[sorted.count / 2]
        print("live reload latency, file written → reloaded page running its first script, \(latencies.count) rounds: "
            + "median \(Int(median)) ms, min \(Int(sorted.first!)) ms, max \(Int(sorted.last!)) ms "
            + "(all: \(latencies.map { String(Int($0)) }.joined(separator: ", "))); of which write → reload started: "
            + told.map { String(Int($0)) }.joined(separator: ", "))
        XCTAssertLessThan(median, 3000, "a reload should follow a save at once: \(latencies)")
        XCTAssertTrue(server.log.contains("live reload: index.html changed; reloading 1 page"), server.log)
    }

    func testEditingCSSRestylesInPlaceWithoutAReload() throws {
        let server = try start()
        let page = try open("/", port: server.port)
        XCTAssertEqual(try page.evaluate("getComputedStyle(document.body).color") as? String, "rgb(255, 0, 0)")
        _ = try page.evaluate("window.state = 'kept'; document.body.dataset.marker = 'kept'; true")

        let written = milliseconds()
        try write("style.css", "body { color: rgb(0, 128, 0) }\n")
        try browser!.waitUntil(timeout: 5, "the new style to apply") {
            (try? page.evaluate("getComputedStyle(document.body).color")) as? String == "rgb(0, 128, 0)"
        }
        print("live reload: stylesheet swapped within \(Int(milliseconds() - written)) ms of the write (test polls every 50 ms)")
        XCTAssertEqual(loads(page), 1, "the page reloaded")
        XCTAssertEqual(try page.evaluate("window.state") as? String, "kept")
        XCTAssertEqual(try page.evaluate("document.body.dataset.marker") as? String, "kept")
        // The old <link> goes once the new one has loaded.
        try browser!.waitUntil(timeout: patience, "one stylesheet link") {
            (try? page.evaluate("document.querySelectorAll('link[rel=stylesheet]').length")) as? NSNumber == 1
        }
        XCTAssertTrue(server.log.contains("live reload: style.css changed; restyling 1 page in place"), server.log)
    }

    func testAnImportedStylesheetIsRefreshedToo() throws {
        try write("style.css", "@import url(\"parts/colors.css\");\n")
        try write("parts/colors.css", Self.red)
        let server = try start()
        let page = try open("/", port: server.port)
        XCTAssertEqual(try page.evaluate("getComputedStyle(document.body).color") as? String, "rgb(255, 0, 0)")
        try write("parts/colors.css", "body { color: rgb(0, 128, 0) }\n")
        try browser!.waitUntil(timeout: 5, "the imported style to apply") {
            (try? page.evaluate("getComputedStyle(document.body).color")) as? String == "rgb(0, 128, 0)"
        }
        XCTAssertEqual(loads(page), 1, "the page reloaded")
    }

    func testATempFileRenamedOverThePageReloadsIt() throws {
        let server = try start()
        let page = try open("/b.html", port: server.port)
        try write("b.html.tmp", Self.page("b, saved atomically"))
        XCTAssertEqual(rename(site.root.appendingPathComponent("b.html.tmp").path, site.root.appendingPathComponent("b.html").path), 0)
        try waitForLoads(2, page)
        XCTAssertEqual(try page.evaluate("document.querySelector('h1').textContent") as? String, "b, saved atomically")
        XCTAssertTrue(server.waitForLog("live reload: b.html changed; reloading 1 page\n"), server.log)
        XCTAssertFalse(server.log.contains(".tmp"), "the temporary file was reported:\n\(server.log)")
    }

    func testAPagesOwnWebSocketStaysOpenWhileOtherPagesReload() throws {
        let server = try start()
        let a = try open("/a.html", port: server.port)
        try browser!.waitUntil(timeout: 5, "a.html's /echo socket to open") {
            (try? a.evaluate("window.echo.readyState")) as? NSNumber == 1
        }
        let b = try open("/b.html", port: server.port)

        try write("b.html", Self.page("b, edited"))
        try waitForLoads(2, b)
        try write("style.css", "body { color: rgb(0, 0, 255) }\n")
        try browser!.waitUntil(timeout: 5, "a.html to restyle") {
            (try? a.evaluate("getComputedStyle(document.body).color")) as? String == "rgb(0, 0, 255)"
        }
        XCTAssertEqual(loads(a), 1, "a.html reloaded although only b.html and a stylesheet changed")
        XCTAssertEqual(try a.evaluate("window.echo.readyState") as? NSNumber, 1)
        _ = try a.evaluate("window.echo.send('after the reloads'); true")
        try browser!.waitUntil(timeout: 5, "the echo") {
            (try? a.evaluate("window.echoes.includes('after the reloads')")) as? Bool == true
        }
        XCTAssertTrue(server.log.contains("WS   /echo #1 open"), server.log)
        XCTAssertFalse(server.log.contains("WS   /echo #1 closed"), server.log)
    }

    func testNoReloadServesByteIdenticalPagesAndNothingReloads() throws {
        let server = try start(["--no-reload"])
        let page = try open("/", port: server.port, waitForChannel: false)
        let served = try page.evaluate("fetch(location.href, {cache: 'no-store'}).then(reply => reply.text())") as? String
        XCTAssertEqual(served, Self.page("home"))
        XCTAssertEqual(try page.evaluate("document.querySelectorAll('script').length") as? NSNumber, 1, "only the page's own script")
        try write("index.html", Self.page("edited"))
        usleep(500_000)
        XCTAssertEqual(loads(page), 1)
        XCTAssertNotEqual(try page.evaluate("window.reloadChannelOpen === true") as? Bool, true)
        XCTAssertFalse(server.log.contains("live reload"), server.log)
    }

    func testAPageFromAnEarlierRunReloadsOnceTheServerIsBack() throws {
        let first = try start()
        let port = first.port
        let page = try open("/", port: port)
        XCTAssertEqual(first.stop().status, 0)
        // Same file, new run: the page must not get its cached copy (with the old token) back.
        let second = try ServerProcess(commandLine: ["serve", site.root.path, "--port", String(port), "--host", "127.0.0.1"])
        server = second
        try waitForLoads(2, page)
        try waitForChannel(page)
        usleep(300_000)
        XCTAssertEqual(loads(page), 2, "reloaded more than once")
        XCTAssertEqual(second.log.components(separatedBy: "earlier wsdev run").count - 1, 1, second.log)

        // And the new run's channel works.
        try write("index.html", Self.page("after the restart"))
        try waitForLoads(3, page)
        XCTAssertEqual(try page.evaluate("document.querySelector('h1').textContent") as? String, "after the restart")
    }
}
