import Foundation
import XCTest

/// Colour in the banner and the access log on a terminal; none with NO_COLOR, none into a pipe.
final class ColourTests: XCTestCase {
    private func serveOnTerminal(noColour: Bool) throws -> (PseudoTerminal, port: Int, SiteFixture) {
        let site = try SiteFixture(files: ["index.html": "x"])
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = noColour ? "1" : nil
        let terminal = try PseudoTerminal(["serve", site.root.path, "--port", "0", "--host", "127.0.0.1", "--no-reload"], environment: environment)
        XCTAssertTrue(terminal.waitFor("Ctrl-C stops the server."), terminal.output)
        let match = try XCTUnwrap(terminal.output.range(of: #"http://127\.0\.0\.1:\d+/"#, options: .regularExpression), terminal.output)
        let port = try XCTUnwrap(Int(terminal.output[match].dropFirst("http://127.0.0.1:".count).dropLast()))
        return (terminal, port, site)
    }

    func testBannerAndAccessLogAreColouredOnATerminal() throws {
        let (terminal, port, site) = try serveOnTerminal(noColour: false)
        defer { withExtendedLifetime(site) {} }
        XCTAssertTrue(terminal.output.contains("\u{1B}[1mwsdev "), terminal.output)
        XCTAssertEqual(try RawHTTP.get("/", port: port).status, 200)
        XCTAssertEqual(try RawHTTP.get("/missing", port: port).status, 404)
        XCTAssertTrue(terminal.waitFor("GET / \u{1B}[32m200\u{1B}[0m"), terminal.output)
        XCTAssertTrue(terminal.waitFor("GET /missing \u{1B}[33m404\u{1B}[0m"), terminal.output)
    }

    func testNoColourWithNO_COLOROrIntoAPipe() throws {
        let (terminal, port, site) = try serveOnTerminal(noColour: true)
        XCTAssertEqual(try RawHTTP.get("/", port: port).status, 200)
        XCTAssertTrue(terminal.waitFor("GET / 200"), terminal.output)
        XCTAssertFalse(terminal.output.contains("\u{1B}["), terminal.output)

        let piped = try ServerProcess(root: site.root.path, arguments: ["--no-reload"])
        defer { _ = piped.stop() }
        XCTAssertEqual(try RawHTTP.get("/", port: piped.port).status, 200)
        XCTAssertTrue(piped.waitForLog("GET / 200"), piped.log)
        XCTAssertFalse(piped.log.contains("\u{1B}["), piped.log)
    }
}
