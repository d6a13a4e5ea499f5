import Foundation
import XCTest

/// `wsdev connect` at a terminal (a pseudo-terminal): lines typed are sent, what arrives is marked
/// `< `, slash commands work, and the terminal's Ctrl-D and Ctrl-C close with 1000.
final class ConnectTerminalTests: ServerTestCase {
    func environment(colour: Bool) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = colour ? nil : "1"
        return environment
    }

    func testTypedLinesAreSentAndAnswersMarked() throws {
        let terminal = try PseudoTerminal(["connect", "ws://127.0.0.1:\(port)/echo"], environment: environment(colour: false))
        XCTAssertTrue(terminal.waitFor("* connected to ws://127.0.0.1:\(port)/echo"), terminal.output)
        terminal.type("hello there\r")
        XCTAssertTrue(terminal.waitFor("< hello there"), terminal.output)
        terminal.type("/binary 48 69\r")
        XCTAssertTrue(terminal.waitFor("< (binary, 2 bytes) 48 69"), terminal.output)
        terminal.type("/ping\r")
        XCTAssertTrue(terminal.waitFor("* pong after "), terminal.output)
        terminal.type("/close 99\r")
        XCTAssertTrue(terminal.waitFor("! /close 99: a close frame may carry"), terminal.output)
        terminal.type("/close 4001 done for today\r")
        XCTAssertEqual(terminal.exitStatus(), 1, "a close other than 1000 exits 1:\n\(terminal.output)")
        XCTAssertTrue(terminal.output.contains("* closed 4001 (application code) by this client"), terminal.output)
        XCTAssertFalse(terminal.output.contains("\u{1B}[3"), "NO_COLOR: no colours")
        XCTAssertTrue(server.waitForLog("closed 4001 by client"), server.log)
    }

    /// A line typed while the client is still starting (the tests and fast typists do this) was
    /// echoed by the terminal and then thrown away when the client switched it to raw mode: it
    /// depended on whether the client had read it before, so five clients (most runs lost one).
    func testALineTypedBeforeConnectedShowsIsSentNotLost() throws {
        for round in 1...5 {
            let terminal = try PseudoTerminal(["connect", "ws://127.0.0.1:\(port)/echo"], environment: environment(colour: false))
            terminal.type("early bird \(round)\r")
            XCTAssertTrue(terminal.waitFor("< early bird \(round)", timeout: 5), terminal.output)
            terminal.type("\u{04}")
            XCTAssertEqual(terminal.exitStatus(), 0, terminal.output)
        }
    }

    func testCtrlDClosesWith1000AndExits0() throws {
        let terminal = try PseudoTerminal(["connect", "ws://127.0.0.1:\(port)/echo"], environment: environment(colour: true))
        XCTAssertTrue(terminal.waitFor("connected to"), terminal.output)
        terminal.type("bye\r")
        XCTAssertTrue(terminal.waitFor("\u{1B}[36m< \u{1B}[0mbye"), "colours on a terminal:\n\(terminal.output)")
        terminal.type("\u{04}")
        XCTAssertEqual(terminal.exitStatus(), 0, terminal.output)
        XCTAssertTrue(terminal.output.contains("closed 1000 (normal closure) by this client"), terminal.output)
    }

    func testAMessageArrivingWhileTypingKeepsTheLine() throws {
        let terminal = try PseudoTerminal(["connect", "ws://127.0.0.1:\(port)/chat"], environment: environment(colour: false))
        XCTAssertTrue(terminal.waitFor("connected to"), terminal.output)
        XCTAssertTrue(terminal.waitFor("\"join\""), terminal.output)
        terminal.type("half a li")
        XCTAssertTrue(terminal.waitFor("> half a li"), terminal.output)
        let other = try RawWebSocket.open(port: port, path: "/chat")
        try other.send(text: "interruption")
        XCTAssertTrue(terminal.waitFor("< interruption\r\n> half a li"), "the line being typed is redrawn below:\n\(terminal.output)")
        terminal.type("ne\r")
        XCTAssertTrue(terminal.waitFor("< half a line"), terminal.output)
        terminal.type("\u{03}")
        XCTAssertEqual(terminal.exitStatus(), 0, terminal.output)
    }

    func testTheServersCloseIsPrintedInPlaceOfThePrompt() throws {
        let terminal = try PseudoTerminal(["connect", "ws://127.0.0.1:\(port)/echo"], environment: environment(colour: false))
        XCTAssertTrue(terminal.waitFor("connected to"), terminal.output)
        terminal.type("Goodbye\r")
        XCTAssertEqual(terminal.exitStatus(), 0, "/echo closes with 1000 after Goodbye:\n\(terminal.output)")
        XCTAssertTrue(terminal.output.contains("< Goodbye\r\n> \r\u{1B}[2K* closed 1000 (normal closure) by the server"), terminal.output)
    }
}
