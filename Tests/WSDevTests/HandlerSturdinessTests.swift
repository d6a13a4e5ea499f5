import Foundation
import XCTest

/// Handlers cannot take the server down with them (issues 14 and 17): a handler that floods is
/// held back by its clients, one that ignores SIGTERM does not outlive wsdev, large messages pass
/// in linear time, and handler processes are limited.
final class HandlerSturdinessTests: XCTestCase {
    private static let flood = "#!/bin/sh\nexec yes \"$(head -c 1000 /dev/zero | tr '\\0' a)\"\n"

    /// Three clients of a handler that prints as fast as it can, and that read nothing: the
    /// server stops reading the handler instead of queueing, and keeps answering pages.
    func testAFloodingHandlerNeitherGrowsTheServerNorStarvesIt() throws {
        let fixture = try HandlerFixture(["flood.sh": Self.flood], arguments: ["--quiet"])
        let pid = fixture.server.process.processIdentifier
        let sockets = try (0..<3).map { _ in try RawWebSocket.open(port: fixture.port, path: "/flood") }
        usleep(500_000)
        let before = residentKiB(of: pid)
        var slowest = 0.0
        for _ in 0..<20 {
            let started = Date()
            XCTAssertEqual(try RawHTTP.get("/index.html", port: fixture.port).status, 200)
            slowest = max(slowest, Date().timeIntervalSince(started))
            usleep(100_000)
        }
        XCTAssertLessThan(slowest, 1, "a page is answered promptly while handlers flood")
        XCTAssertLessThan(residentKiB(of: pid) - before, 20_000, "what the clients do not read stays in the handler's pipe, not in wsdev")
        _ = sockets
    }

    /// Messages cross stdin and stdout in 1 MiB pipes; stderr keeps the kernel's default, since
    /// every pipe's size counts against the user's limit (past it, all their new pipes get 8 KiB).
    func testOnlyTheMessagePipesAreEnlarged() throws {
        let fixture = try HandlerFixture(["pid.sh": "#!/bin/sh\necho $$\nexec cat\n"])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/pid")
        let pid = try XCTUnwrap(Int32(try socket.nextText()))
        func pipeSize(_ fd: Int) throws -> Int32 {
            // Opening the pipe through /proc gives another descriptor of the same pipe.
            let opened = open("/proc/\(pid)/fd/\(fd)", (fd == 1 ? O_RDONLY : O_WRONLY) | O_NONBLOCK)
            guard opened >= 0 else { throw NSError(domain: "pipe", code: Int(errno)) }
            defer { close(opened) }
            return fcntl(opened, 1032)  // F_GETPIPE_SZ (Linux; Glibc hides it from Swift)
        }
        XCTAssertEqual(try pipeSize(0), 1 << 20, "stdin")
        XCTAssertEqual(try pipeSize(1), 1 << 20, "stdout")
        XCTAssertEqual(try pipeSize(2), 64 << 10, "stderr: the kernel's default")
        try socket.send(text: "still here")
        XCTAssertEqual(try socket.nextText(), "still here")
    }

    /// The same handler with clients that do read: SIGTERM still stops wsdev within a second or
    /// two, and no handler process is left.
    func testSIGTERMStopsTheServerWhileHandlersFlood() throws {
        let fixture = try HandlerFixture(["flood.sh": Self.flood], arguments: ["--quiet"])
        let pid = fixture.server.process.processIdentifier
        let sockets = try (0..<3).map { _ in try RawWebSocket.open(port: fixture.port, path: "/flood") }
        for socket in sockets {
            let descriptor = socket.connection.descriptor
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while recv(descriptor, &buffer, buffer.count, 0) > 0 {}
            }
        }
        usleep(500_000)
        let handlers = childProcesses(of: pid).map(\.pid)
        XCTAssertEqual(handlers.count, 3, "one process per client")
        let (status, seconds) = fixture.server.stop()
        XCTAssertEqual(status, 0)
        XCTAssertLessThan(seconds, 2)
        usleep(200_000)
        for handler in handlers { XCTAssertNotEqual(kill(handler, 0), 0, "handler \(handler) outlived wsdev") }
    }

    /// Handlers that ignore SIGTERM are killed before wsdev exits, however many there are.
    func testHandlersIgnoringSIGTERMDoNotOutliveTheServer() throws {
        let stubborn = "#!/bin/sh\ntrap '' TERM\necho $$\nwhile true; do sleep 0.05; done\n"
        let fixture = try HandlerFixture(["stubborn.sh": stubborn], arguments: ["--quiet"])
        var pids: [Int32] = []
        var sockets: [RawWebSocket] = []
        for _ in 0..<4 {
            let socket = try RawWebSocket.open(port: fixture.port, path: "/stubborn")
            pids.append(try XCTUnwrap(Int32(try socket.nextText())))
            sockets.append(socket)
        }
        let (status, seconds) = fixture.server.stop()
        XCTAssertEqual(status, 0)
        XCTAssertLessThan(seconds, 2)
        usleep(300_000)
        for pid in pids { XCTAssertNotEqual(kill(pid, 0), 0, "handler \(pid) was orphaned") }
    }

    /// 16 MiB through `exec cat` in one message: linear work, so seconds, not minutes.
    func testSixteenMebibytesPassThroughAScriptHandler() throws {
        let fixture = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"], arguments: ["--quiet", "--max-message", "17M"])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/cat")
        let text = String(repeating: "0123456789abcdef", count: 1 << 20)
        let started = Date()
        try socket.send(text: text)
        let echo = try socket.receiveMessage()
        XCTAssertEqual(echo.payload.count, text.utf8.count)
        XCTAssertTrue(echo.text == text)
        // Quadratic work took 1.7 s for 1 MiB, so minutes for 16; linear work takes seconds even
        // in the debug build on a loaded machine.
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    func testHandlerProcessesBeyondTheLimitAreRefusedWith503() throws {
        let fixture = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"], arguments: ["--max-handler-processes", "2"])
        let held = try (0..<2).map { _ in try RawWebSocket.open(port: fixture.port, path: "/cat") }
        let refused = try RawWebSocket.handshake(port: fixture.port, path: "/cat")
        XCTAssertEqual(refused.reply.status, 503)
        XCTAssertTrue(refused.reply.text.contains("--max-handler-processes"), refused.reply.text)
        try held[0].send(text: "still here")
        XCTAssertEqual(try held[0].nextText(), "still here")
    }

    func testOneHandlerCannotTakeEveryProcess() throws {
        let fixture = try HandlerFixture(
            ["cat.sh": "#!/bin/sh\nexec cat\n", "other.sh": "#!/bin/sh\nexec cat\n"], arguments: ["--max-processes-per-handler", "2"])
        let held = try (0..<2).map { _ in try RawWebSocket.open(port: fixture.port, path: "/cat") }
        let refused = try RawWebSocket.handshake(port: fixture.port, path: "/cat")
        XCTAssertEqual(refused.reply.status, 503)
        XCTAssertTrue(refused.reply.text.contains("--max-processes-per-handler"), refused.reply.text)
        let other = try RawWebSocket.open(port: fixture.port, path: "/other")
        try other.send(text: "mine")
        XCTAssertEqual(try other.nextText(), "mine", "another handler still starts")
        _ = held
    }
}

/// permessage-deflate cannot carry a message past `--max-message`: the limit applies to the
/// inflated message, and 1009 says why.
final class DeflateLimitTests: ServerTestCase {
    override var serverArguments: [String] { ["--max-message", "64K"] }

    /// A deflate stream of `count` zero bytes, without its last four bytes (RFC 7692 §7.2.1).
    private func deflated(zeros count: Int) throws -> [UInt8] {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, -15); "
            + "d = c.compress(bytes(\(count))) + c.flush(zlib.Z_SYNC_FLUSH); sys.stdout.buffer.write(d[:-4])"]
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        return Array(data)
    }

    func testACompressedMessageInflatingPastTheLimitCloses1009() throws {
        let socket = try RawWebSocket.open(port: port, headers: ["Sec-WebSocket-Extensions": "permessage-deflate"])
        XCTAssertNotNil(socket.handshake[header: "Sec-WebSocket-Extensions"])
        let small = try deflated(zeros: 1000)
        try socket.send(opcode: RawWebSocket.binary, payload: small, rsv1: true)
        XCTAssertEqual(try socket.receiveMessage().opcode, RawWebSocket.binary, "under the limit: echoed")
        let bomb = try deflated(zeros: 22_000_000)
        XCTAssertLessThan(bomb.count, 64 << 10, "the compressed message itself is under the limit")
        try socket.send(opcode: RawWebSocket.binary, payload: bomb, rsv1: true)
        let close = try socket.receiveMessage()
        XCTAssertEqual(close.opcode, RawWebSocket.close)
        XCTAssertEqual(close.closeCode, 1009)
        XCTAssertTrue(server.waitForLog("inflated past"), server.log)
    }
}
