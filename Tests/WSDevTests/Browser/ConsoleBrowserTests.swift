import Foundation
import XCTest

@testable import WSDevKit

/// The live console in headless Chromium, fed by connections this test opens over raw sockets:
/// how soon each thing shows, the phone layout, the send panel, filters and pause.
final class ConsoleBrowserTests: XCTestCase {
    private var fixture: HandlerFixture!
    private var browser: Chromium?

    override func setUpWithError() throws {
        fixture = try HandlerFixture(["cat.sh": "#!/bin/sh\nwhile read line; do echo \"got $line\"; done\n"])
    }

    override func tearDown() {
        browser?.close()
        browser = nil
        fixture = nil
    }

    private func openConsole(width: Int = 1200, height: Int = 900, mobile: Bool = false) throws -> Chromium.Page {
        if browser == nil { browser = try Chromium() }
        let page = try browser!.openPage(width: width, height: height)
        try page.call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile])
        try page.navigate(to: "http://127.0.0.1:\(fixture.port)/__wsdev/")
        try browser!.waitUntil(timeout: patience, "the console's feed to be live") {
            try page.evaluate("document.getElementById('status').dataset.state") as? String == "live"
        }
        return page
    }

    private func now() -> Double { Date().timeIntervalSince1970 * 1000 }

    /// Each line the log gains, with the page's clock when it appeared (the test's clock is the same one).
    private static let recorder = """
        window.seen = [];
        new MutationObserver((records) => {
          const at = Date.now();
          for (const record of records) for (const node of record.addedNodes) {
            if (node.nodeType === 1) window.seen.push({ at, id: Number(node.dataset.id), kind: node.dataset.kind,
              dir: node.dataset.dir || "", code: node.dataset.code || "", text: node.textContent });
          }
        }).observe(document.getElementById("log"), { childList: true });
        true
        """

    func testTheConsoleShowsBothConnectionsEachFrameAndTheirClosesWithin200Milliseconds() throws {
        let page = try openConsole()
        _ = try page.evaluate(Self.recorder)
        var latencies: [(String, Double)] = []

        /// Waits for a log line matching `condition` (JavaScript over `e`) and notes how long after `since` it appeared.
        func expect(_ what: String, since: Double, _ condition: String) throws -> [String: Any] {
            var found: [String: Any]?
            try browser!.waitUntil(timeout: 5, "the console to show \(what)") {
                found = try page.evaluate("window.seen.find((e) => \(condition))") as? [String: Any]
                return found != nil
            }
            let at = try XCTUnwrap(found?["at"] as? NSNumber).doubleValue
            latencies.append((what, at - since))
            return found!
        }

        var start = now()
        let echo = try RawWebSocket.open(port: fixture.port)
        let echoID = try XCTUnwrap(try expect("/echo opening", since: start, "e.kind === 'open' && e.text.includes('/echo')")["id"] as? NSNumber).intValue
        start = now()
        try echo.send(text: "hello <b>console</b>")
        _ = try expect("/echo text in", since: start, "e.id === \(echoID) && e.kind === 'text' && e.dir === 'in' && e.text.includes('hello <b>console</b>')")
        _ = try expect("/echo text out", since: start, "e.id === \(echoID) && e.kind === 'text' && e.dir === 'out'")
        _ = try echo.receiveMessage()
        start = now()
        try echo.send(binary: [0xDE, 0xAD, 0xBE, 0xEF])
        _ = try expect("/echo binary in", since: start, "e.id === \(echoID) && e.kind === 'binary' && e.dir === 'in' && e.text.includes('de ad be ef')")
        _ = try expect("/echo binary out", since: start, "e.id === \(echoID) && e.kind === 'binary' && e.dir === 'out'")
        _ = try echo.receiveMessage()

        start = now()
        let cat = try RawWebSocket.open(port: fixture.port, path: "/cat")
        let catID = try XCTUnwrap(try expect("/cat opening", since: start, "e.kind === 'open' && e.text.includes('/cat')")["id"] as? NSNumber).intValue
        start = now()
        try cat.send(text: "hi")
        _ = try expect("/cat text in", since: start, "e.id === \(catID) && e.kind === 'text' && e.dir === 'in'")
        _ = try expect("/cat's reply", since: start, "e.id === \(catID) && e.kind === 'text' && e.dir === 'out' && e.text.includes('got hi')")

        start = now()
        try echo.sendClose(code: 1000, reason: "bye")
        _ = try expect("/echo close in", since: start, "e.id === \(echoID) && e.kind === 'close' && e.dir === 'in' && e.code === '1000' && e.text.includes('bye')")
        _ = try expect("/echo close out", since: start, "e.id === \(echoID) && e.kind === 'close' && e.dir === 'out' && e.code === '1000'")
        _ = try expect("/echo closed", since: start, "e.id === \(echoID) && e.kind === 'close' && e.text.includes('1000 by client')")
        start = now()
        try cat.sendClose(code: 4000, reason: "done")
        _ = try expect("/cat close in", since: start, "e.id === \(catID) && e.kind === 'close' && e.dir === 'in' && e.code === '4000'")
        _ = try expect("/cat closed", since: start, "e.id === \(catID) && e.kind === 'close' && e.text.includes('4000 by client')")

        print("console latency, action → line in the console page: "
            + latencies.map { "\($0.0) \(Int($0.1.rounded())) ms" }.joined(separator: ", "))
        for (what, latency) in latencies { XCTAssertLessThan(latency, 200, "\(what) took \(Int(latency)) ms to show") }

        let rows = try page.evaluate("""
            [...document.querySelectorAll('#connections tbody tr')].map((r) => [...r.cells].map((c) => c.textContent))
            """) as? [[String]] ?? []
        let echoRow = try XCTUnwrap(rows.first { $0.first == String(echoID) }, "\(rows)")
        XCTAssertEqual(echoRow[1], "/echo")
        XCTAssertEqual(echoRow[9], "closed 1000 by client")
        let catRow = try XCTUnwrap(rows.first { $0.first == String(catID) }, "\(rows)")
        XCTAssertEqual(catRow[1], "/cat")
        XCTAssertEqual(catRow.last, "closed 4000 by client")
        XCTAssertEqual(catRow[7], "1 / 2 B", "messages and bytes in")
        XCTAssertEqual(try page.evaluate("document.querySelector('#log li b') === null") as? Bool, true, "a message's markup was rendered as HTML")
    }

    func testAtPhoneWidthWithTheSendPanelFiltersAndPause() throws {
        let page = try openConsole(width: 390, height: 844, mobile: true)
        XCTAssertLessThanOrEqual(try XCTUnwrap(page.evaluate("document.documentElement.scrollWidth") as? NSNumber).intValue, 390, "the page scrolls sideways on a phone")
        XCTAssertEqual(try page.evaluate("getComputedStyle(document.querySelector('#connections thead')).display") as? String, "none")

        func sendLog() throws -> String { try page.evaluate("document.getElementById('send-log').textContent") as? String ?? "" }
        func click(_ id: String) throws { _ = try page.evaluate("document.getElementById('\(id)').click(); true") }
        func type(_ id: String, _ text: String) throws { _ = try page.evaluate("document.getElementById('\(id)').value = \(JSONObject.quoted(text)); true") }

        try type("send-path", "/echo")
        try click("send-open")
        try browser!.waitUntil(timeout: 5, "the panel's socket to open") { try page.evaluate("document.getElementById('send-as-text').disabled") as? Bool == false }
        try type("send-text", "from the panel")
        try click("send-as-text")
        try browser!.waitUntil(timeout: 5, "the echo in the panel") { try sendLog().contains("← from the panel") }
        try type("send-text", "00 ff 10")
        try click("send-as-binary")
        try browser!.waitUntil(timeout: 5, "the binary echo in the panel") { try sendLog().contains("← binary 3 B: 00 ff 10") }
        let panelID = try XCTUnwrap(try page.evaluate("Number(document.querySelector('#log li[data-kind=open]').dataset.id)") as? NSNumber).intValue
        try browser!.waitUntil(timeout: 5, "the panel's frames in the log") {
            try page.evaluate("[...document.querySelectorAll('#log li[data-kind=binary]')].length") as? NSNumber == 2
        }

        // Another connection, then the filter on the panel's connection hides it.
        let other = try RawWebSocket.open(port: fixture.port, path: "/cat")
        try other.send(text: "elsewhere")
        try browser!.waitUntil(timeout: 5, "the other connection's frame") {
            try page.evaluate("document.getElementById('log').textContent.includes('elsewhere')") as? Bool == true
        }
        _ = try page.evaluate("const s = document.getElementById('filter-connection'); s.value = '\(panelID)'; s.dispatchEvent(new Event('change')); true")
        XCTAssertEqual(try page.evaluate("[...document.querySelectorAll('#log li')].every((li) => li.dataset.id === '\(panelID)')") as? Bool, true)
        XCTAssertEqual(try page.evaluate("document.getElementById('log').textContent.includes('elsewhere')") as? Bool, false)

        // Paused, the log stands still; resumed, it shows what came meanwhile.
        try click("pause")
        try type("send-text", "while paused")
        try click("send-as-text")
        try browser!.waitUntil(timeout: 5, "the echo while paused") { try sendLog().contains("← while paused") }
        usleep(300_000)
        XCTAssertEqual(try page.evaluate("document.getElementById('log').textContent.includes('while paused')") as? Bool, false)
        XCTAssertEqual(try page.evaluate("document.getElementById('log-note').textContent") as? String, "paused, 2 new")
        try click("pause")
        XCTAssertEqual(try page.evaluate("document.getElementById('log').textContent.includes('while paused')") as? Bool, true)

        try type("close-code", "4001")
        try type("close-reason", "from the panel")
        try click("send-close-button")
        try browser!.waitUntil(timeout: 5, "the close in the panel") { try sendLog().contains("→ close 4001 (application) — from the panel") && sendLog().contains("closed 4001 (application)") }
        try browser!.waitUntil(timeout: 5, "the close in the log") {
            try page.evaluate("document.querySelector('#log li[data-kind=close][data-code=\"4001\"]') !== null") as? Bool == true
        }
    }
}
