import Foundation
import XCTest

/// `wsdev connect` against script and pywebsocket handlers: what it sends with the handshake,
/// answers that come after the input has ended, and handler failures as close codes.
final class ConnectHandlerTests: XCTestCase {
    func testHandshakeCarriesSubprotocolOriginAndHeaders() throws {
        let fixture = try HandlerFixture([
            "whoami.sh": "#!/bin/sh\n# wsdev: protocols=chat,superchat\necho \"$WEBSOCKET_PROTOCOL $HTTP_ORIGIN $HTTP_X_TOKEN\"\n",
        ])
        let origin = "http://localhost:\(fixture.port)"
        let run = try ConnectRun(
            ["ws://127.0.0.1:\(fixture.port)/whoami", "--protocol", "superchat", "--protocol", "chat", "--origin", origin, "-H", "X-Token: abc", "--json",
             "--linger", "5"])  // the handler starts after the handshake; a busy machine may take a while
        XCTAssertEqual(run.status, 0, run.errors)
        XCTAssertEqual(run.events.first?["protocol"] as? String, "superchat", run.output)
        let said = run.events.first { $0["event"] as? String == "message" }?["data"] as? String
        XCTAssertEqual(said, "superchat \(origin) abc", run.output)

        let refused = try ConnectRun(["ws://127.0.0.1:\(fixture.port)/whoami", "--protocol", "soap"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.errors.contains("400 Bad Request") && refused.errors.contains("chat, superchat"), refused.errors)
    }

    /// The handler's answer arrives after the input has ended: the client waits for it (--linger).
    func testAnswersAfterTheEndOfInputArrive() throws {
        let fixture = try HandlerFixture(["upper.sh": "#!/bin/sh\nwhile read line; do sleep 0.2; echo \"$line\" | tr a-z A-Z; done\n"])
        // Generous on a busy machine (a process to start); the default is 0.5 s.
        let run = try ConnectRun(["ws://127.0.0.1:\(fixture.port)/upper", "--linger", "2"], input: "hello\nworld\n")
        XCTAssertEqual(run.output, "HELLO\nWORLD\n", run.errors)
        XCTAssertEqual(run.status, 0, run.errors)
    }

    func testAFailingHandlersCloseIsPrintedAndTheExitStatusIs1() throws {
        let fixture = try HandlerFixture(["fail.sh": "#!/bin/sh\nread line\necho \"got $line\"\necho 'the database is on fire' >&2\nexit 3\n"])
        let run = try ConnectRun(["ws://127.0.0.1:\(fixture.port)/fail"], input: "x\n", keepOpen: 1)
        XCTAssertEqual(run.output, "got x\n", run.errors)
        XCTAssertEqual(run.status, 1, run.errors)
        XCTAssertTrue(run.errors.contains("closed 1011 (internal server error) by the server: the database is on fire"), run.errors)
    }

    func testAPywebsocketHandlerIsReachable() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": PyWebSocketHandlerTests.echo])
        let run = try ConnectRun(["ws://127.0.0.1:\(fixture.port)/echo", "--json"], input: "from a pipe\nGoodbye\n", keepOpen: 1)
        XCTAssertEqual(run.status, 0, run.errors)
        let received = run.events.filter { $0["event"] as? String == "message" }.compactMap { $0["data"] as? String }
        XCTAssertEqual(received, ["from a pipe", "Goodbye"], run.output)
        XCTAssertEqual(run.events.last?["by"] as? String, "server", run.output)
    }
}
