import Foundation
import XCTest

/// `--cors` and `--coi` as a browser judges them: a cross-origin fetch with a preflight, and
/// cross-origin isolation (what SharedArrayBuffer needs).
final class DevServerBrowserTests: XCTestCase {
    private var browser: Chromium?
    private var servers: [ServerProcess] = []
    private var site: SiteFixture!

    override func setUpWithError() throws {
        site = try SiteFixture(files: ["index.html": "<!DOCTYPE html><title>page</title><p>page</p>", "data.json": "{\"from\": \"the other server\"}"])
    }

    override func tearDown() {
        browser?.close()
        browser = nil
        for server in servers { _ = server.stop() }
        servers = []
        site = nil
        super.tearDown()
    }

    private func serve(_ arguments: [String] = []) throws -> Int {
        let server = try ServerProcess(root: site.root.path, arguments: arguments)
        servers.append(server)
        return server.port
    }

    private func open(port: Int) throws -> Chromium.Page {
        if browser == nil { browser = try Chromium() }
        let page = try browser!.openPage()
        try page.navigate(to: "http://127.0.0.1:\(port)/")
        return page
    }

    func testCORSLetsAnotherOriginFetchWithAPreflight() throws {
        let page = try open(port: try serve())
        let withCORS = try serve(["--cors"])
        let without = try serve()
        // A custom header makes the browser send a preflight OPTIONS first.
        func fetch(_ port: Int) throws -> String? {
            try page.evaluate("""
                fetch("http://127.0.0.1:\(port)/data.json", {headers: {"X-Requested-By": "test"}})
                  .then(reply => reply.text()).catch(error => "blocked: " + error.name)
                """) as? String
        }
        XCTAssertEqual(try fetch(withCORS), "{\"from\": \"the other server\"}")
        XCTAssertEqual(try fetch(without), "blocked: TypeError")
        XCTAssertTrue(servers[1].waitForLog("OPTIONS /data.json 204"), servers[1].log)
    }

    func testCOIMakesThePageCrossOriginIsolated() throws {
        let isolated = try open(port: try serve(["--coi"]))
        XCTAssertEqual(try isolated.evaluate("crossOriginIsolated && typeof SharedArrayBuffer === 'function'") as? Bool, true)
        let plain = try open(port: try serve())
        XCTAssertEqual(try plain.evaluate("crossOriginIsolated") as? Bool, false)
    }
}
