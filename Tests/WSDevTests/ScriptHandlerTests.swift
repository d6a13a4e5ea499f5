import Foundation
import XCTest

/// Executables in the handlers folder as endpoints (the websocketd model), against the real binary.
final class ScriptHandlerTests: XCTestCase {
    static let cat = "#!/bin/sh\nexec cat\n"

    func testLinesInLinesOutAndBothPaths() throws {
        let fixture = try HandlerFixture(["cat.sh": Self.cat, "games/dice.py": "#!/usr/bin/env python3\nimport sys\nfor line in sys.stdin:\n    print('rolled ' + line.strip())\n"])
        for path in ["/cat", "/cat.sh"] {
            let socket = try RawWebSocket.open(port: fixture.port, path: path)
            try socket.send(text: "one")
            try socket.send(text: "two")
            XCTAssertEqual(try socket.nextText(), "one")
            XCTAssertEqual(try socket.nextText(), "two")
        }
        let dice = try RawWebSocket.open(port: fixture.port, path: "/games/dice")
        try dice.send(text: "6")
        XCTAssertEqual(try dice.nextText(), "rolled 6")
        XCTAssertTrue(fixture.server.log.contains("/games/dice"), "the banner lists handler endpoints:\n\(fixture.server.log)")
    }

    func testEnvironmentAndWorkingDirectory() throws {
        let script = """
            #!/bin/sh
            # wsdev: protocols=chat,superchat
            echo "query=$QUERY_STRING"
            echo "script=$SCRIPT_NAME path_info=$PATH_INFO"
            echo "remote=$REMOTE_ADDR port_set=${REMOTE_PORT:+yes} server_port=$SERVER_PORT"
            echo "header=$HTTP_X_WORKSHOP host=$HTTP_HOST"
            echo "offered=$WEBSOCKET_PROTOCOLS selected=$WEBSOCKET_PROTOCOL id=$WSDEV_CONNECTION_ID"
            echo "cwd=$(pwd)"
            """
        let fixture = try HandlerFixture(["env.sh": script])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/env?name=ada&x=1?&y=%3F", headers: ["X-Workshop": "monday\r\nx-workshop: tuesday", "Sec-WebSocket-Protocol": "superchat, chat"])
        XCTAssertEqual(socket.handshake[header: "Sec-WebSocket-Protocol"], "superchat")
        XCTAssertEqual(try socket.nextText(), "query=name=ada&x=1?&y=%3F", "split at the first ?, the rest kept as sent")
        XCTAssertEqual(try socket.nextText(), "script=/env path_info=")
        XCTAssertEqual(try socket.nextText(), "remote=127.0.0.1 port_set=yes server_port=\(fixture.port)")
        XCTAssertEqual(try socket.nextText(), "header=monday, tuesday host=127.0.0.1:\(fixture.port)", "a repeated field joined with \", \"")
        XCTAssertEqual(try socket.nextText(), "offered=superchat,chat selected=superchat id=1")
        XCTAssertEqual(try socket.nextText(), "cwd=\(fixture.handlers.resolvingSymlinksInPath().path)")
        XCTAssertEqual(try socket.nextText(), "close 1000 ")
    }

    func testDeclaredSubprotocolsAreEnforcedWithAnExplanation() throws {
        let fixture = try HandlerFixture(["proto.sh": "#!/bin/sh\n# wsdev: protocols=chat\nexec cat\n"])
        let (socket, reply) = try RawWebSocket.handshake(port: fixture.port, path: "/proto", headers: ["Sec-WebSocket-Protocol": "mqtt"])
        XCTAssertNil(socket)
        XCTAssertEqual(reply.status, 400)
        XCTAssertTrue(reply.text.contains("supports the subprotocols chat") && reply.text.contains("offered mqtt"), reply.text)
        XCTAssertTrue(fixture.server.waitForLog("offered mqtt"), fixture.server.log)
        XCTAssertNotNil(try RawWebSocket.handshake(port: fixture.port, path: "/proto").socket, "no offer, no protocol: accepted")
    }

    /// Output is cut into lines however it arrives: a line split across reads, "\r\n" endings, and
    /// a last line without "\n" are each one message.
    func testLinesAreCutHoweverTheOutputArrives() throws {
        let script = "#!/bin/sh\nprintf 'one\\r\\ntw'\nsleep 0.3\nprintf 'o\\nthr'\nsleep 0.3\nprintf 'ee'\n"
        let fixture = try HandlerFixture(["pieces.sh": script])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/pieces")
        XCTAssertEqual(try socket.nextText(), "one")
        XCTAssertEqual(try socket.nextText(), "two")
        XCTAssertEqual(try socket.nextText(), "three")
        XCTAssertEqual(try socket.nextText(), "close 1000 ")
    }

    /// A stderr line over 64 KiB reaches the log in 64 KiB pieces, and the lines after it are still
    /// read: standard error is never given up on for one long line.
    func testAVeryLongStderrLineIsLoggedInPiecesAndLaterLinesStillCome() throws {
        let script = "#!/bin/sh\nhead -c 100000 /dev/zero | tr '\\0' x >&2\necho >&2\necho 'after the long line' >&2\nexec cat\n"
        let fixture = try HandlerFixture(["noisy.sh": script])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/noisy")
        XCTAssertTrue(fixture.server.waitForLog("/noisy #1 stderr: after the long line"), fixture.server.log)
        let pieces = fixture.server.log.split(separator: "\n").filter { $0.contains("/noisy #1 stderr: xxx") }
        XCTAssertEqual(pieces.count, 2, "100,000 bytes: one 65,536-byte piece, then the rest")
        try socket.send(text: "still here")
        XCTAssertEqual(try socket.nextText(), "still here")
    }

    func testExitStatusBecomesTheCloseCode() throws {
        let fixture = try HandlerFixture([
            "ok.sh": "#!/bin/sh\necho done\n",
            "crash.sh": "#!/bin/sh\necho partial\necho 'database is locked' >&2\nexit 3\n",
        ])
        let ok = try RawWebSocket.open(port: fixture.port, path: "/ok")
        XCTAssertEqual(try ok.nextText(), "done")
        XCTAssertEqual(try ok.nextText(), "close 1000 ")
        let crash = try RawWebSocket.open(port: fixture.port, path: "/crash")
        XCTAssertEqual(try crash.nextText(), "partial")
        XCTAssertEqual(try crash.nextText(), "close 1011 database is locked")
        XCTAssertTrue(fixture.server.waitForLog("/crash #2 stderr: database is locked"), fixture.server.log)
        XCTAssertTrue(fixture.server.log.contains("exit 3"), fixture.server.log)
    }

    func testJSONModeCarriesBinaryAndChosenCloseCodes() throws {
        let script = """
            #!/usr/bin/env python3
            # wsdev: messages=json
            import json, sys
            for line in sys.stdin:
                m = json.loads(line)
                if m["type"] == "text" and m["data"] == "stop":
                    print(json.dumps({"type": "close", "code": 4321, "reason": "stopped on request"}))
                    break
                print(json.dumps(m))
            """
        let fixture = try HandlerFixture(["codec.py": script])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/codec")
        try socket.send(binary: [0, 1, 2, 250, 255])
        let binary = try socket.receiveMessage()
        XCTAssertEqual(binary.opcode, RawWebSocket.binary)
        XCTAssertEqual(binary.payload, [0, 1, 2, 250, 255])
        try socket.send(text: "stop")
        XCTAssertEqual(try socket.nextText(), "close 4321 stopped on request")
    }

    func testBinaryToALinesHandlerIsRefusedWith1003() throws {
        let fixture = try HandlerFixture(["cat.sh": Self.cat])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/cat")
        try socket.send(binary: [1, 2, 3])
        XCTAssertTrue(try socket.nextText().hasPrefix("close 1003"))
        XCTAssertTrue(fixture.server.waitForLog("messages=json"), fixture.server.log)
    }

    func testBrokenHandlersAnswerWithTheReason() throws {
        let fixture = try HandlerFixture(["good.sh": Self.cat])
        try fixture.write("noexec.sh", Self.cat, executable: false)
        try fixture.write("noshebang.sh", "echo hi\n")
        try fixture.write("missing.sh", "#!/usr/bin/env no-such-interpreter-wsdev\n")
        let cases = ["/noexec": "chmod +x", "/noshebang": "#!", "/missing": "no-such-interpreter-wsdev"]
        for (path, hint) in cases {
            XCTAssertTrue(try fixture.waitForStatus(path, 500), path)
            let reply = try RawWebSocket.handshake(port: fixture.port, path: path).reply
            XCTAssertTrue(reply.text.contains(hint), "\(path): \(reply.text)")
        }
        XCTAssertTrue(fixture.server.waitForLog("noexec.sh cannot run: it is not executable"), fixture.server.log)
        let good = try RawWebSocket.open(port: fixture.port, path: "/good")
        try good.send(text: "still fine")
        XCTAssertEqual(try good.nextText(), "still fine")
    }

    func testAddEditRemoveWithoutRestartKeepsOpenConnections() throws {
        let fixture = try HandlerFixture([:])
        XCTAssertEqual(try RawWebSocket.handshake(port: fixture.port, path: "/live").reply.status, 404)
        try fixture.write("live.sh", "#!/bin/sh\nwhile read -r l; do echo \"v1 $l\"; done\n")
        XCTAssertTrue(try fixture.waitForStatus("/live", 101))
        let old = try RawWebSocket.open(port: fixture.port, path: "/live")
        try old.send(text: "a")
        XCTAssertEqual(try old.nextText(), "v1 a")

        try fixture.write("live.sh", "#!/bin/sh\nwhile read -r l; do echo \"v2 $l\"; done\n")
        XCTAssertTrue(fixture.server.waitForLog("reloaded /live"), fixture.server.log)
        let new = try RawWebSocket.open(port: fixture.port, path: "/live")
        try new.send(text: "b")
        XCTAssertEqual(try new.nextText(), "v2 b")
        try old.send(text: "c")
        XCTAssertEqual(try old.nextText(), "v1 c", "an open connection keeps its process")

        try FileManager.default.moveItem(at: fixture.handlers.appendingPathComponent("live.sh"), to: fixture.handlers.appendingPathComponent("renamed.sh"))
        XCTAssertTrue(try fixture.waitForStatus("/live", 404))
        XCTAssertTrue(try fixture.waitForStatus("/renamed", 101))
        try fixture.remove("renamed.sh")
        XCTAssertTrue(try fixture.waitForStatus("/renamed", 404))
    }

    func testHandlerOverridesBuiltinAndBuiltinsCanBeTurnedOff() throws {
        let fixture = try HandlerFixture(["echo.sh": "#!/bin/sh\nwhile read -r l; do echo \"handler: $l\"; done\n"])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/echo")
        try socket.send(text: "x")
        XCTAssertEqual(try socket.nextText(), "handler: x")

        let bare = try HandlerFixture([:], arguments: ["--no-builtins"])
        XCTAssertEqual(try RawWebSocket.handshake(port: bare.port, path: "/echo").reply.status, 404)
        XCTAssertEqual(try RawWebSocket.handshake(port: bare.port, path: "/chat").reply.status, 404)
    }

    /// A broadcast room started by one client while another already sends: the message waits
    /// for the process instead of being lost (it was, when the second client's message arrived
    /// while the first's handshake was still starting the process). Many short rounds, so that
    /// the two handshakes meet in every order.
    func testABroadcastRoomLosesNoMessageWhileItsProcessStarts() throws {
        let fixture = try HandlerFixture(["room.sh": "#!/bin/sh\n# wsdev: broadcast\nwhile IFS= read -r line; do echo \"$line\"; done\n"], arguments: ["--quiet"])
        for round in 0..<60 {
            let first = try RawWebSocket.open(port: fixture.port, path: "/room", timeout: 5)
            let second = try RawWebSocket.open(port: fixture.port, path: "/room", timeout: 5)
            try first.send(text: "round \(round)")
            XCTAssertEqual(try second.nextText(), "round \(round)", "round \(round): the second member missed what the first said")
            XCTAssertEqual(try first.nextText(), "round \(round)")
            try first.sendClose()
            try second.sendClose()
        }
    }
}
