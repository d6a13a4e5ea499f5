import Foundation
import Synchronization
import XCTest

/// pywebsocket handlers (`NAME_wsh.py`) run unmodified through the bundled Python bridge,
/// against the real binary. The handlers are written here from pywebsocket3's documented API.
final class PyWebSocketHandlerTests: XCTestCase {
    static let echo = """
        # Text back as text, bytes back as bytes; "Goodbye" is echoed, then the server closes.
        from mod_pywebsocket import msgutil

        def web_socket_do_extra_handshake(request):
            pass

        def web_socket_transfer_data(request):
            while True:
                message = request.ws_stream.receive_message()
                if message is None:
                    return
                request.ws_stream.send_message(message, binary=not isinstance(message, str))
                if message == 'Goodbye':
                    return
        """

    static let close = """
        # The client sends "CODE REASON"; the server closes with exactly that.
        from pywebsocket3 import common

        def web_socket_do_extra_handshake(request):
            pass

        def web_socket_transfer_data(request):
            line = request.ws_stream.receive_message()
            if line is None:
                return
            code, reason = line.split(' ', 1)
            request.ws_stream.close_connection(int(code), reason)

        def web_socket_passive_closing_handshake(request):
            return common.STATUS_NORMAL_CLOSURE, ''
        """

    static let origin = """
        # Only pages served from localhost may connect.
        def web_socket_do_extra_handshake(request):
            origin = request.ws_origin or ''
            if not (origin == 'http://localhost' or origin.startswith('http://localhost:')):
                raise ValueError('Unacceptable origin: %r' % origin)

        def web_socket_transfer_data(request):
            request.ws_stream.send_message('welcome, ' + request.ws_origin)
        """

    static let internalError = """
        from mod_pywebsocket import msgutil

        def web_socket_do_extra_handshake(request):
            pass

        def web_socket_transfer_data(request):
            msgutil.receive_message(request)
            raise RuntimeError('the database is on fire')
        """

    static let chat = """
        # Everyone on /chat hears every message: one module, one list, as under pywebsocket.
        import threading
        from mod_pywebsocket import msgutil

        clients = []
        lock = threading.Lock()

        def web_socket_do_extra_handshake(request):
            pass

        def web_socket_transfer_data(request):
            with lock:
                clients.append(request)
            msgutil.send_message(request, 'joined')
            try:
                while True:
                    message = msgutil.receive_message(request)
                    if message is None:
                        return
                    with lock:
                        for client in clients:
                            msgutil.send_message(client, message)
            finally:
                with lock:
                    clients.remove(request)
        """

    func testEchoHandlerEchoesAndClosesOnGoodbye() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": Self.echo])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/echo")
        try socket.send(text: "hello ünïcode")
        XCTAssertEqual(try socket.nextText(), "hello ünïcode")
        try socket.send(binary: [0, 1, 2, 255])
        let binary = try socket.receiveMessage()
        XCTAssertEqual(binary.opcode, RawWebSocket.binary)
        XCTAssertEqual(binary.payload, [0, 1, 2, 255])
        try socket.send(text: "Goodbye")
        XCTAssertEqual(try socket.nextText(), "Goodbye")
        XCTAssertEqual(try socket.nextText(), "close 1000 ")
        XCTAssertTrue(fixture.server.log.contains("pywebsocket handler"), "the banner says what runs /echo:\n\(fixture.server.log)")
    }

    func testCloseHandlerSendsItsCodeAndReason() throws {
        let fixture = try HandlerFixture(["close_wsh.py": Self.close])
        let first = try RawWebSocket.open(port: fixture.port, path: "/close")
        try first.send(text: "4000 custom reason")
        XCTAssertEqual(try first.nextText(), "close 4000 custom reason")
        let second = try RawWebSocket.open(port: fixture.port, path: "/close")
        try second.send(text: "3001 au revoir, ça va")
        XCTAssertEqual(try second.nextText(), "close 3001 au revoir, ça va")
    }

    func testOriginCheckRefusesOtherOriginsWith403() throws {
        let fixture = try HandlerFixture(["origin_wsh.py": Self.origin])
        let allowed = try RawWebSocket.open(port: fixture.port, path: "/origin", headers: ["Origin": "http://localhost:8000"])
        XCTAssertEqual(try allowed.nextText(), "welcome, http://localhost:8000")
        XCTAssertEqual(try allowed.nextText(), "close 1000 ")
        // 127.0.0.1 passes wsdev's own origin policy; only the handler's check refuses it.
        for origin in ["http://127.0.0.1:8000", nil] {
            let (socket, reply) = try RawWebSocket.handshake(port: fixture.port, path: "/origin", headers: ["Origin": origin])
            XCTAssertNil(socket)
            XCTAssertEqual(reply.status, 403)
            XCTAssertTrue(reply.text.contains("Unacceptable origin"), reply.text)
        }
    }

    func testAnExceptionInTransferDataClosesWith1011AndLogsTheTraceback() throws {
        let fixture = try HandlerFixture(["fire_wsh.py": Self.internalError])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/fire")
        try socket.send(text: "go")
        XCTAssertEqual(try socket.nextText(), "close 1011 the database is on fire")
        XCTAssertTrue(fixture.server.waitForLog("RuntimeError: the database is on fire"), fixture.server.log)
        XCTAssertTrue(fixture.server.log.contains("Traceback"), fixture.server.log)
        XCTAssertTrue(fixture.server.log.contains("fire_wsh.py\", line 8, in web_socket_transfer_data"), fixture.server.log)
        let again = try RawWebSocket.open(port: fixture.port, path: "/fire")
        try again.send(text: "go")
        XCTAssertEqual(try again.nextText(), "close 1011 the database is on fire", "the shared process survives a handler's exception")
    }

    func testChatWithAModuleGlobalListReachesEveryone() throws {
        let fixture = try HandlerFixture(["chat_wsh.py": Self.chat])
        let alice = try RawWebSocket.open(port: fixture.port, path: "/chat")
        XCTAssertEqual(try alice.nextText(), "joined")
        let bob = try RawWebSocket.open(port: fixture.port, path: "/chat")
        XCTAssertEqual(try bob.nextText(), "joined")
        try alice.send(text: "hello from alice")
        XCTAssertEqual(try alice.nextText(), "hello from alice")
        XCTAssertEqual(try bob.nextText(), "hello from alice")
        try bob.send(text: "hi alice")
        XCTAssertEqual(try alice.nextText(), "hi alice")
        XCTAssertEqual(try bob.nextText(), "hi alice")
        XCTAssertEqual(bridgeProcesses(of: fixture.server).count, 1, "one python3 process for both clients")
    }

    func testConnectionsShareModuleGlobals() throws {
        let counter = """
            from pywebsocket3 import msgutil
            visits = 0

            def web_socket_do_extra_handshake(request):
                global visits
                visits += 1

            def web_socket_transfer_data(request):
                msgutil.send_message(request, 'visit %d' % visits)
                msgutil.receive_message(request)
            """
        let fixture = try HandlerFixture(["counter_wsh.py": counter])
        let first = try RawWebSocket.open(port: fixture.port, path: "/counter")
        XCTAssertEqual(try first.nextText(), "visit 1")
        let second = try RawWebSocket.open(port: fixture.port, path: "/counter")
        XCTAssertEqual(try second.nextText(), "visit 2")
    }

    func testSyntaxErrorAnswers500WithPythonsMessage() throws {
        let fixture = try HandlerFixture(["broken_wsh.py": "def web_socket_do_extra_handshake(request):\n    pass\ndef web_socket_transfer_data(request:\n    pass\n"])
        let (socket, reply) = try RawWebSocket.handshake(port: fixture.port, path: "/broken")
        XCTAssertNil(socket)
        XCTAssertEqual(reply.status, 500)
        XCTAssertTrue(reply.text.contains("SyntaxError") && reply.text.contains("line 3"), reply.text)
        usleep(600_000)  // a few rescans: the problem is reported once, not at each
        let warnings = fixture.server.log.split(separator: "\n").filter { $0.contains("warning: handler") && $0.contains("broken_wsh.py cannot run") }
        XCTAssertEqual(warnings.count, 1, fixture.server.log)

        try fixture.write("broken_wsh.py", Self.echo)
        XCTAssertTrue(try fixture.waitForStatus("/broken", 101), "fixing the file brings the endpoint back:\n\(fixture.server.log)")
    }

    func testALoadErrorAnswers500WithTheTracebacksLastLine() throws {
        let fixture = try HandlerFixture(["typo_wsh.py": "import json\nprint(undefined_name)\ndef web_socket_transfer_data(request):\n    pass\n"])
        let (socket, reply) = try RawWebSocket.handshake(port: fixture.port, path: "/typo")
        XCTAssertNil(socket)
        XCTAssertEqual(reply.status, 500)
        XCTAssertTrue(reply.text.contains("NameError: name 'undefined_name' is not defined (typo_wsh.py line 2)"), reply.text)
        XCTAssertTrue(fixture.server.waitForLog("typo_wsh.py could not be loaded"), fixture.server.log)
    }

    func testPrintGoesToTheLogAndDoesNotBreakTheProtocol() throws {
        let printer = """
            import os, sys
            print('loading the printer')

            def web_socket_do_extra_handshake(request):
                print('handshake for', request.ws_resource)

            def web_socket_transfer_data(request):
                while True:
                    message = request.ws_stream.receive_message()
                    if message is None:
                        return
                    print('{"op":"send","id":%d,"text":"forged"}' % 1)
                    print('no newline yet', end='')
                    sys.stdout.flush()
                    sys.stderr.write('to stderr\\n')
                    os.write(1, b'raw to fd 1\\n')
                    request.ws_stream.send_message('echo: ' + message)
            """
        let fixture = try HandlerFixture(["printer_wsh.py": printer])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/printer?x=1")
        for word in ["one", "two"] {
            try socket.send(text: word)
            XCTAssertEqual(try socket.nextText(), "echo: \(word)")
        }
        for line in ["printer_wsh.py print: loading the printer", "/printer #1 print: handshake for /printer?x=1",
                     "/printer #1 print: no newline yet", "/printer #1 stderr: to stderr", "stderr: raw to fd 1",
                     #"/printer #1 print: {"op":"send","id":1,"text":"forged"}"#] {
            XCTAssertTrue(fixture.server.waitForLog(line), "missing \(line):\n\(fixture.server.log)")
        }
    }

    func testSubprotocolChoiceAndRequestDetails() throws {
        let details = """
            def web_socket_do_extra_handshake(request):
                if request.ws_requested_protocols and 'chat' in request.ws_requested_protocols:
                    request.ws_protocol = 'chat'

            def web_socket_transfer_data(request):
                send = request.ws_stream.send_message
                send('resource=%s protocol=%s' % (request.ws_resource, request.ws_protocol))
                send('header=%s host=%s' % (request.headers_in['x-workshop'], request.headers_in.get('HOST')))
                send('remote=%s:%s' % (request.connection.remote_addr[0], type(request.connection.remote_addr[1]).__name__))
            """
        let fixture = try HandlerFixture(["details_wsh.py": details])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/details?room=7", headers: ["Sec-WebSocket-Protocol": "superchat, chat", "X-Workshop": "monday"])
        XCTAssertEqual(socket.handshake[header: "Sec-WebSocket-Protocol"], "chat")
        XCTAssertEqual(try socket.nextText(), "resource=/details?room=7 protocol=chat")
        XCTAssertEqual(try socket.nextText(), "header=monday host=127.0.0.1:\(fixture.port)")
        XCTAssertEqual(try socket.nextText(), "remote=127.0.0.1:int")
        // Offered protocols the handler does not pick: refused as pywebsocket does, with the reason.
        let (refused, reply) = try RawWebSocket.handshake(port: fixture.port, path: "/details", headers: ["Sec-WebSocket-Protocol": "mqtt"])
        XCTAssertNil(refused)
        XCTAssertEqual(reply.status, 400)
        XCTAssertTrue(reply.text.contains("ws_protocol"), reply.text)
    }

    func testLargeMessagesTravelInPiecesAndArriveWhole() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": Self.echo])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/echo")
        let text = String(repeating: "wsdev ✓ ", count: 40_000)  // 320,000 characters: two pieces
        try socket.send(text: text)
        let (opcode, payload) = try socket.wholeMessage()
        XCTAssertEqual(opcode, RawWebSocket.text)
        XCTAssertEqual(payload.count, text.utf8.count)
        XCTAssertTrue(String(decoding: payload, as: UTF8.self) == text)
    }

    /// Connection threads send at the same time, small messages and large ones in pieces: the bridge
    /// writes whatever others queued while one thread is in os.write, and no record may be split or
    /// reordered by that.
    func testConcurrentConnectionsMixingSizesGetTheirOwnEchoesInOrder() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": Self.echo])
        nonisolated(unsafe) let sockets = try (0..<8).map { _ in try RawWebSocket.open(port: fixture.port, path: "/echo") }
        let failed = Mutex<[String]>([])  // each thread uses only its own socket
        DispatchQueue.concurrentPerform(iterations: sockets.count) { index in
            let socket = sockets[index]
            do {
                for round in 0..<20 {
                    let large = round % 10 == index % 10
                    let text = large ? String(repeating: "\(index)·\(round) ", count: 40_000) : "\(index) \(round)"
                    let bytes: [UInt8] = (0..<(round % 3 == 0 ? 300 : 5)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index &+ round) }
                    try socket.send(text: text)
                    try socket.send(binary: bytes)
                    let first = try socket.wholeMessage()
                    let second = try socket.wholeMessage()
                    if first.opcode != RawWebSocket.text || String(decoding: first.payload, as: UTF8.self) != text
                        || second.opcode != RawWebSocket.binary || second.payload != bytes {
                        throw NSError(domain: "echo", code: round, userInfo: [NSLocalizedDescriptionKey: "connection \(index), round \(round): wrong echo"])
                    }
                }
            } catch {
                failed.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failed.withLock { $0 }, [])
    }

    func testAFloodingHandlerWaitsForASlowClient() throws {
        let flood = """
            def web_socket_transfer_data(request):
                chunk = 'x' * 65536
                while True:
                    request.ws_stream.send_message(chunk)
            """
        let fixture = try HandlerFixture(["flood_wsh.py": flood])
        let server = fixture.server.process.processIdentifier
        let socket = try RawWebSocket.open(port: fixture.port, path: "/flood")
        XCTAssertEqual(try socket.receiveMessage().payload.count, 65536)
        let before = residentKiB(of: server)
        sleep(2)  // the client reads nothing: the handler must be made to wait, not buffered
        let growth = residentKiB(of: server) - before
        XCTAssertLessThan(growth, 32 * 1024, "the server grew by \(growth) KiB while the client did not read")
        XCTAssertEqual(try socket.receiveMessage().payload.count, 65536, "nothing was dropped on the way")
    }

    func testAFloodingClientWaitsForAHandlerThatDoesNotRead() throws {
        let fixture = try HandlerFixture(["sleepy_wsh.py": "import time\ndef web_socket_transfer_data(request):\n    time.sleep(30)\n"], arguments: ["--quiet"])
        let server = fixture.server.process.processIdentifier
        let before = residentKiB(of: server)
        let socket = try RawWebSocket.open(port: fixture.port, path: "/sleepy", timeout: 1)
        let chunk = String(repeating: "z", count: 64 * 1024)
        let sent = flood(seconds: 3, limit: 200 << 20) {
            try socket.send(text: chunk)
            return chunk.count
        }
        XCTAssertLessThan(sent, 64 << 20, "wsdev should stop reading from the client, but took \(sent >> 20) MiB")
        let growth = residentKiB(of: server) - before
        XCTAssertLessThan(growth, 40 * 1024, "the server grew by \(growth) KiB for a handler that does not read")
    }

    func testASendOnlyHandlerStopsWhenItsClientLeaves() throws {
        let clock = """
            import time

            def web_socket_transfer_data(request):
                try:
                    while True:
                        request.ws_stream.send_message('tick')
                        time.sleep(0.02)
                finally:
                    print('clock stopped')
            """
        let fixture = try HandlerFixture(["clock_wsh.py": clock])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/clock")
        XCTAssertEqual(try socket.nextText(), "tick")
        try socket.sendClose()
        XCTAssertTrue(fixture.server.waitForLog("/clock #1 print: clock stopped"), "the handler's thread must end, not tick forever:\n\(fixture.server.log)")
    }

    func testTheBridgeRestartsAfterItDies() throws {
        let dying = """
            import os
            def web_socket_transfer_data(request):
                if request.ws_stream.receive_message() == 'die':
                    os._exit(3)
                request.ws_stream.send_message('alive in %d' % os.getpid())
            """
        let fixture = try HandlerFixture(["dying_wsh.py": dying])
        let first = try RawWebSocket.open(port: fixture.port, path: "/dying")
        try first.send(text: "die")
        XCTAssertEqual(try first.nextText(), "close 1011 python3 ended with exit 3")
        let second = try RawWebSocket.open(port: fixture.port, path: "/dying")
        try second.send(text: "live")
        XCTAssertTrue(try second.nextText().hasPrefix("alive in "))
    }

    func testNoPythonProcessOutlivesTheServer() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": Self.echo, "chat_wsh.py": Self.chat])
        let echo = try RawWebSocket.open(port: fixture.port, path: "/echo")
        try echo.send(text: "hi")
        XCTAssertEqual(try echo.nextText(), "hi")
        let chat = try RawWebSocket.open(port: fixture.port, path: "/chat")
        XCTAssertEqual(try chat.nextText(), "joined")
        let bridges = bridgeProcesses(of: fixture.server)
        XCTAssertEqual(bridges.count, 2, "one python3 per handler file")
        _ = fixture.server.stop()
        let deadline = Date().addingTimeInterval(patience)
        while bridges.contains(where: isAlive), Date() < deadline { usleep(50_000) }
        XCTAssertEqual(bridges.filter(isAlive), [], "python3 bridge processes outlived the server")
    }

    func testMissingPython3IsExplainedOnce() throws {
        let site = try SiteFixture(files: ["index.html": "x"])
        let handlers = site.root.appendingPathComponent("handlers")
        try FileManager.default.createDirectory(at: handlers, withIntermediateDirectories: true)
        try Data(Self.echo.utf8).write(to: handlers.appendingPathComponent("echo_wsh.py"))
        let server = try ServerProcess(
            commandLine: ["serve", site.root.path, "--port", "0", "--host", "127.0.0.1", "--handlers", handlers.path],
            environment: ["PATH": "/nonexistent", "HOME": NSHomeDirectory()])
        defer { _ = server.stop() }
        let (socket, reply) = try RawWebSocket.handshake(port: server.port, path: "/echo")
        XCTAssertNil(socket)
        XCTAssertEqual(reply.status, 500)
        XCTAssertTrue(reply.text.contains("python3") && reply.text.contains("apt-get install python3"), reply.text)
    }

    func testTheWorkshopExamplePyEcho() throws {
        let handlers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("handlers").path
        let site = try SiteFixture(files: ["index.html": "x"])
        let server = try ServerProcess(root: site.root.path, arguments: ["--handlers", handlers])
        defer { _ = server.stop() }
        let socket = try RawWebSocket.open(port: server.port, path: "/pyecho", headers: ["Origin": "http://localhost:9998"])
        try socket.send(text: "Hello, pywebsocket")
        XCTAssertEqual(try socket.nextText(), "Hello, pywebsocket")
        try socket.send(binary: [9, 8, 7])
        XCTAssertEqual(try socket.receiveMessage().payload, [9, 8, 7])
        try socket.send(text: "Goodbye")
        XCTAssertEqual(try socket.nextText(), "Goodbye")
        XCTAssertEqual(try socket.nextText(), "close 1000 ")
        XCTAssertTrue(server.waitForLog("/pyecho #1 print: new connection to /pyecho from http://localhost:9998"), server.log)
    }

    // MARK: - helpers

    /// The server's python3 bridge children, by pid.
    private func bridgeProcesses(of server: ServerProcess) -> [Int32] {
        childProcesses(of: server.process.processIdentifier).map(\.pid).filter { pid in
            let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return commandLine.contains("/bridge-")
        }
    }

    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}

extension RawWebSocket {
    /// One message reassembled from its fragments.
    func wholeMessage() throws -> (opcode: UInt8, payload: [UInt8]) {
        let first = try receiveMessage()
        var payload = first.payload
        var fin = first.fin
        while !fin {
            let next = try receiveMessage()
            payload += next.payload
            fin = next.fin
        }
        return (first.opcode, payload)
    }
}
