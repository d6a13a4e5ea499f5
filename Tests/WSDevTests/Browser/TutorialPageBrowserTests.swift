import Foundation
import XCTest

/// The tutorial page in `public/`, opened in a real (headless) Chromium from a real `wsdev`:
/// a student clicks "Run WebSocket" and must see the classic tutorial's four alerts.
final class TutorialPageBrowserTests: XCTestCase {
    static let expectedAlerts = [
        "WebSocket is supported by your Browser!",
        "Message is sent...",
        "Message is received...",
        "Connection is closed...",
    ]

    /// The package's `public/` directory: this file is Tests/WSDevTests/Browser/<file>.
    static let publicDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("public").path

    private var browser: Chromium?
    private var server: ServerProcess?

    override func tearDown() {
        browser?.close()
        browser = nil
        if let server { _ = server.stop() }
        server = nil
        super.tearDown()
    }

    func testRunWebSocketShowsTheTutorialAlertsAndTheServerClosesNormally() throws {
        let (server, page) = try openTutorialPage()
        try clickRunWebSocket(on: page)
        try waitForClose(on: page)

        let log = try pageLog(page)
        XCTAssertEqual(browser?.dialogs, Self.expectedAlerts, "alerts, in order; page log:\n\(log)" + (browser?.consoleSummary ?? ""))
        XCTAssertTrue(log.contains("received \"Message to send\""), "the page log shows the echo:\n\(log)")
        XCTAssertTrue(log.contains("received \"Goodbye\""), "the page log shows the Goodbye echo:\n\(log)")
        XCTAssertTrue(log.contains("closed with code 1000"), "the page saw a normal close:\n\(log)")

        XCTAssertTrue(server.waitForLog(" closed 1000 by server"), "server log:\n\(server.log)")
        let lines = server.log.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains("GET / 200") }, "the page was served:\n\(server.log)")
        XCTAssertTrue(
            lines.contains { $0.contains("WS   /echo #1 open from 127.0.0.1:") }, "the socket opened:\n\(server.log)")
        XCTAssertTrue(
            lines.contains { $0.contains("WS   /echo #1 closed 1000 by server after") && $0.hasSuffix(", 2 in / 2 out") },
            "the socket closed with 1000 after two messages each way:\n\(server.log)")
        let problems = lines.filter { ($0.contains("warning:") || $0.contains("error:")) && ($0.contains("WS") || $0.contains("/echo")) }
        XCTAssertEqual(problems, [], "no WebSocket warnings or errors in the server log:\n\(server.log)")

        if let path = ProcessInfo.processInfo.environment["WSDEV_SCREENSHOT"] {
            try page.screenshot().write(to: URL(fileURLWithPath: path))
        }
    }

    func testPageConnectsToThePortItWasServedFrom() throws {
        let (server, page) = try openTutorialPage()
        XCTAssertNotEqual(server.port, 9998, "the server runs on a random port, not the tutorial's")
        try clickRunWebSocket(on: page)
        try waitForClose(on: page)

        let log = try pageLog(page)
        XCTAssertTrue(log.contains("connecting to ws://127.0.0.1:\(server.port)/echo\n"), "page log:\n\(log)")
        XCTAssertTrue(log.contains("open\n"), "page log:\n\(log)")
        XCTAssertTrue(server.waitForLog("WS   /echo #1 open from 127.0.0.1:"), "server log:\n\(server.log)")
    }

    func testBrowserWithoutWebSocketIsTold() throws {
        let (_, page) = try openTutorialPage()
        XCTAssertEqual(try page.evaluate("delete window.WebSocket; 'WebSocket' in window") as? Bool, false)
        try clickRunWebSocket(on: page)
        try browser?.waitForDialogs(1, timeout: 5)
        _ = try page.evaluate("new Promise(resolve => setTimeout(resolve, 200))")
        XCTAssertEqual(browser?.dialogs, ["WebSocket NOT supported by your Browser!"])
    }

    func testPageOpenedFromDiskFallsBackToTheDefaultAddress() throws {
        let browser = try startBrowser()
        let page = try browser.openPage()
        try page.navigate(to: URL(fileURLWithPath: Self.publicDirectory).appendingPathComponent("index.html").absoluteString)
        try clickRunWebSocket(on: page)
        try browser.waitUntil(timeout: 10, "the page to log its connection attempt") {
            try pageLog(page).contains("connecting to ")
        }
        let log = try pageLog(page)
        XCTAssertTrue(log.contains("connecting to ws://localhost:9998/echo\n"), "page log:\n\(log)")
        XCTAssertEqual(browser.dialogs.first, Self.expectedAlerts[0])
    }

    // MARK: - Steps

    private func startBrowser() throws -> Chromium {
        let browser = try Chromium()
        self.browser = browser
        return browser
    }

    private func openTutorialPage() throws -> (ServerProcess, Chromium.Page) {
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: Self.publicDirectory + "/index.html"),
            "no index.html in \(Self.publicDirectory)")
        let browser = try startBrowser()
        let server = try ServerProcess(root: Self.publicDirectory)
        self.server = server
        let page = try browser.openPage()
        try page.navigate(to: "http://127.0.0.1:\(server.port)/")
        return (server, page)
    }

    /// Finds the link by its visible text and clicks the middle of it with the mouse.
    private func clickRunWebSocket(on page: Chromium.Page) throws {
        let found = try page.evaluate("""
            (() => {
              const link = [...document.querySelectorAll("a")].find(a => a.innerText.trim() === "Run WebSocket");
              if (!link) return null;
              link.scrollIntoView({block: "center"});
              const box = link.getBoundingClientRect();
              return {x: box.left + box.width / 2, y: box.top + box.height / 2, width: box.width, height: box.height};
            })()
            """)
        guard let box = found as? [String: Any],
              let x = (box["x"] as? NSNumber)?.doubleValue, let y = (box["y"] as? NSNumber)?.doubleValue,
              let width = (box["width"] as? NSNumber)?.doubleValue, width > 0,
              let height = (box["height"] as? NSNumber)?.doubleValue, height > 0
        else {
            throw Chromium.Failure(description: "no visible link with the text \"Run WebSocket\" on the page (got \(String(describing: found)))")
        }
        try page.click(x: x, y: y)
    }

    /// Waits until the page has logged the close (just before its last alert) or shown all four
    /// alerts, then lets any late alert arrive, so a missing, extra or reordered alert shows up
    /// in `dialogs` rather than as a bare timeout.
    private func waitForClose(on page: Chromium.Page) throws {
        guard let browser else { return }
        try browser.waitUntil(timeout: 10, "the page to log the close (alerts so far: \(browser.dialogs))") {
            try browser.dialogs.count >= Self.expectedAlerts.count || pageLog(page).contains("closed with code")
        }
        try? browser.waitForDialogs(Self.expectedAlerts.count, timeout: 2)
        _ = try page.evaluate("new Promise(resolve => setTimeout(resolve, 200))")
    }

    /// What a student reads in the page's event log.
    private func pageLog(_ page: Chromium.Page) throws -> String {
        guard let text = try page.evaluate("document.getElementById('log').innerText") as? String else {
            throw Chromium.Failure(description: "the page has no #log element")
        }
        return text
    }
}
