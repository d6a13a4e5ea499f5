import Foundation
import XCTest

/// Handler processes end when their clients do, and nobody can make the server grow without bound.
final class HandlerLifecycleTests: XCTestCase {
    func testClientLeavingSendsSIGTERMThenSIGKILL() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("wsdev-term-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        let polite = "#!/bin/sh\ntrap 'echo term > \(marker.path); exit 0' TERM\necho ready\nwhile true; do sleep 0.05; done\n"
        let stubborn = "#!/bin/sh\ntrap '' TERM\necho $$\nwhile true; do sleep 0.05; done\n"
        let fixture = try HandlerFixture(["polite.sh": polite, "stubborn.sh": stubborn])

        let first = try RawWebSocket.open(port: fixture.port, path: "/polite")
        XCTAssertEqual(try first.nextText(), "ready")
        try first.sendClose()
        let deadline = Date().addingTimeInterval(patience)
        while !FileManager.default.fileExists(atPath: marker.path), Date() < deadline { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker.path), "the handler should get SIGTERM when its client leaves")

        let second = try RawWebSocket.open(port: fixture.port, path: "/stubborn")
        let pid = try XCTUnwrap(Int32(try second.nextText()))
        second.connection.shutdown()
        let start = Date()
        while kill(pid, 0) == 0, Date().timeIntervalSince(start) < patience { usleep(20_000) }
        XCTAssertNotEqual(kill(pid, 0), 0, "a handler ignoring SIGTERM must be killed")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "SIGKILL comes one second after SIGTERM")
    }

    func testChurnLeavesNoProcessesOrDescriptors() throws {
        let fixture = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"], arguments: ["--quiet"])
        let server = fixture.server.process.processIdentifier
        let warm = try RawWebSocket.open(port: fixture.port, path: "/cat")
        try warm.sendClose()
        _ = try? warm.receiveMessage()
        usleep(300_000)
        let baseline = openFileCount(of: server)
        for round in 0..<2000 {
            let socket = try RawWebSocket.open(port: fixture.port, path: "/cat")
            try socket.send(text: "n\(round)")
            XCTAssertEqual(try socket.nextText(), "n\(round)")
            if round % 2 == 0 { try socket.sendClose(); _ = try? socket.receiveMessage() } else { socket.connection.shutdown() }
        }
        let deadline = Date().addingTimeInterval(10)
        while !childProcesses(of: server).isEmpty, Date() < deadline { usleep(50_000) }
        XCTAssertEqual(childProcesses(of: server).map(\.pid), [], "no handler process (or zombie) may outlive its connection")
        XCTAssertLessThanOrEqual(openFileCount(of: server), baseline + 4, "file descriptors leaked: \(baseline) → \(openFileCount(of: server))")
    }

    func testAFloodingHandlerDoesNotGrowServerMemory() throws {
        let fixture = try HandlerFixture(["flood.sh": "#!/bin/sh\nexec yes 'flooding the server with lines of text, as fast as a pipe allows'\n"], arguments: ["--quiet"])
        let server = fixture.server.process.processIdentifier
        let before = residentKiB(of: server)
        let socket = try RawWebSocket.open(port: fixture.port, path: "/flood")
        _ = try socket.nextText()  // the flood has started; now this client reads nothing for a while
        sleep(2)
        let during = residentKiB(of: server)
        XCTAssertLessThan(during - before, 40_000, "server RSS grew from \(before) KiB to \(during) KiB")
        socket.connection.shutdown()
        let deadline = Date().addingTimeInterval(patience)
        while !childProcesses(of: server).isEmpty, Date() < deadline { usleep(50_000) }
        XCTAssertTrue(childProcesses(of: server).isEmpty)
    }

    func testAFloodingClientWaitsForAHandlerThatDoesNotRead() throws {
        let fixture = try HandlerFixture(["sleepy.sh": "#!/bin/sh\nsleep 30\n"], arguments: ["--quiet"])
        let server = fixture.server.process.processIdentifier
        let before = residentKiB(of: server)
        let socket = try RawWebSocket.open(port: fixture.port, path: "/sleepy", timeout: 1)
        let chunk = String(repeating: "z", count: 8 * 1024)
        let sent = flood(seconds: 4, limit: 200 << 20) {
            try socket.send(text: chunk)
            return chunk.count
        }
        let during = residentKiB(of: server)
        XCTAssertLessThan(sent, 100 << 20, "the server should stop reading (backpressure), but took \(sent >> 20) MiB")
        XCTAssertLessThan(during - before, 40_000, "server RSS grew from \(before) KiB to \(during) KiB")
    }

    func testBroadcastHandlerSharesOneProcess() throws {
        let fixture = try HandlerFixture(["room.sh": "#!/bin/sh\n# wsdev: broadcast\necho \"started $$\"\nwhile IFS= read -r l; do echo \"$l\"; done\n"])
        let alice = try RawWebSocket.open(port: fixture.port, path: "/room")
        let started = try alice.nextText()
        XCTAssertTrue(started.hasPrefix("started "))
        let bob = try RawWebSocket.open(port: fixture.port, path: "/room")
        try alice.send(text: "hello from alice")
        XCTAssertEqual(try alice.nextText(), "hello from alice")
        XCTAssertEqual(try bob.nextText(), "hello from alice")
        try bob.send(text: "hi alice")
        XCTAssertEqual(try alice.nextText(), "hi alice")
        XCTAssertEqual(try bob.nextText(), "hi alice")
        let server = fixture.server.process.processIdentifier
        XCTAssertEqual(childProcesses(of: server).count, 1, "one process for both clients")
        try alice.sendClose()
        try bob.sendClose()
        let deadline = Date().addingTimeInterval(patience)
        while !childProcesses(of: server).isEmpty, Date() < deadline { usleep(50_000) }
        XCTAssertTrue(childProcesses(of: server).isEmpty, "the shared process stops when the last client leaves")
    }
}

extension TCPConnection {
    /// Drops the connection without a close frame, as a crashed client would.
    func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }
}
