import Foundation
import XCTest

/// `public/chat.html` in two real Chromium pages: what one types, both see.
final class ChatPageBrowserTests: XCTestCase {
    func testTwoPagesChatThroughTheBuiltinChat() throws {
        let server = try ServerProcess(root: TutorialPageBrowserTests.publicDirectory)
        defer { _ = server.stop() }
        let browser = try Chromium()
        defer { browser.close() }
        let alice = try browser.openPage()
        let bob = try browser.openPage()
        let url = "http://127.0.0.1:\(server.port)/chat.html"
        try alice.navigate(to: url)
        try browser.waitUntil(timeout: 10, "alice connects") { (try alice.evaluate("document.getElementById('status').textContent") as? String ?? "").hasPrefix("connected") }
        try bob.navigate(to: url)
        try browser.waitUntil(timeout: 10, "bob connects") { (try bob.evaluate("document.getElementById('status').textContent") as? String ?? "").hasPrefix("connected") }

        // Alice types and presses the Send button, as a person would.
        _ = try alice.evaluate("document.getElementById('text').focus()")
        try alice.call("Input.insertText", ["text": "hello from alice"])
        let box = try alice.evaluate("(() => { const r = document.getElementById('sendButton').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()") as? [Double] ?? []
        XCTAssertEqual(box.count, 2)
        try alice.click(x: box[0], y: box[1])

        func messages(_ page: Chromium.Page) throws -> [String] {
            try page.evaluate("[...document.querySelectorAll('#messages li')].map(li => li.textContent)") as? [String] ?? []
        }
        try browser.waitUntil(timeout: 10, "bob sees alice's message") { try messages(bob).contains("hello from alice") }
        try browser.waitUntil(timeout: 10, "alice sees her own message") { try messages(alice).contains("hello from alice") }
        let seenByAlice = try messages(alice)
        XCTAssertTrue(seenByAlice.contains { $0.contains("joined") && $0.contains("2 here now") }, "alice was told bob joined: \(seenByAlice)")
        XCTAssertEqual(try bob.evaluate("document.querySelectorAll('#messages li.notice').length") as? Int, 1, "bob saw his own join notice as a notice")
        XCTAssertTrue(server.waitForLog("WS   /chat #2 open"), server.log)
    }
}
