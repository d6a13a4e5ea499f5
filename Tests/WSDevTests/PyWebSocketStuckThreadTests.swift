import Foundation
import XCTest

/// A `_wsh.py` whose `web_socket_transfer_data` never returns once its client left. pywebsocket
/// lets such a thread run (at 100% CPU, if it spins) until the server stops; wsdev says so in the
/// log, stops the thread, and restarts the file's python3 when it will not stop.
final class PyWebSocketStuckThreadTests: XCTestCase {
    static let spinner = """
        import os

        def web_socket_transfer_data(request):
            request.ws_stream.send_message('pid %d' % os.getpid())
            request.ws_stream.receive_message()  # None: the client closed
            try:
                while True:
                    pass  # never looks at the connection again
            finally:
                print('the spinner stopped')
        """

    /// Blocked in C, where no exception raised in the thread is seen: only a new process ends it.
    static let unstoppable = """
        import os, time

        def web_socket_transfer_data(request):
            request.ws_stream.send_message('pid %d' % os.getpid())
            request.ws_stream.receive_message()
            print('sleeping for an hour')
            time.sleep(3600)
        """

    func testASpinningThreadIsReportedAndStopped() throws {
        let fixture = try HandlerFixture(["spin_wsh.py": Self.spinner])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/spin")
        let pid = try Self.pid(socket)
        try socket.sendClose()
        XCTAssertEqual(try socket.nextText(), "close 1000 ")
        XCTAssertTrue(fixture.server.waitForLog("/spin #1: web_socket_transfer_data(request) is still running 2 s after its client left"), fixture.server.log)
        XCTAssertTrue(fixture.server.waitForLog("/spin #1 print: the spinner stopped"), fixture.server.log)
        XCTAssertTrue(Self.isAlive(pid), "stopping the thread was enough: the process stays")
        XCTAssertFalse(fixture.server.log.contains("restarting its python3"), fixture.server.log)
        let again = try RawWebSocket.open(port: fixture.port, path: "/spin")
        XCTAssertEqual(try Self.pid(again), pid, "the next client is served by the same process")
    }

    func testAThreadThatWillNotStopRestartsItsProcessAfterTheHandlerTimeout() throws {
        let fixture = try HandlerFixture(["stuck_wsh.py": Self.unstoppable], arguments: ["--handler-timeout", "3"])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/stuck")
        let pid = try Self.pid(socket)
        let bystander = try RawWebSocket.open(port: fixture.port, path: "/stuck")
        XCTAssertEqual(try Self.pid(bystander), pid)
        try socket.sendClose()
        XCTAssertTrue(fixture.server.waitForLog("/stuck #1 print: sleeping for an hour"), fixture.server.log)
        let left = Date()
        XCTAssertTrue(fixture.server.waitForLog("restarting its python3 process (1 open connection(s) close with 1011)"), fixture.server.log)
        XCTAssertGreaterThan(Date().timeIntervalSince(left), 1.5, "restarted before --handler-timeout 3 had passed")
        XCTAssertTrue(try bystander.nextText().hasPrefix("close 1011 the handler's python3 process was restarted"))
        XCTAssertTrue(Self.waitUntilGone(pid), "the old python3 is still running")
        let next = try RawWebSocket.open(port: fixture.port, path: "/stuck")
        XCTAssertNotEqual(try Self.pid(next), pid, "a new process serves the next client")
    }

    func testAnEditReplacesAProcessWhoseThreadWillNotStop() throws {
        let fixture = try HandlerFixture(["stuck_wsh.py": Self.unstoppable], arguments: ["--handler-timeout", "600"])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/stuck")
        let pid = try Self.pid(socket)
        try socket.sendClose()
        XCTAssertTrue(fixture.server.waitForLog("/stuck #1 print: sleeping for an hour"), fixture.server.log)
        try fixture.write("stuck_wsh.py", Self.unstoppable + "\n# edited\n")
        XCTAssertTrue(fixture.server.waitForLog("handlers: reloaded /stuck"), fixture.server.log)
        XCTAssertTrue(Self.waitUntilGone(pid, within: 10), "the edit must retire the old process although one of its threads still runs")
        let next = try RawWebSocket.open(port: fixture.port, path: "/stuck")
        XCTAssertNotEqual(try Self.pid(next), pid)
    }

    // MARK: - helpers

    private static func pid(_ socket: RawWebSocket) throws -> Int32 {
        let text = try socket.nextText()
        guard text.hasPrefix("pid "), let pid = Int32(text.dropFirst(4)) else { throw TCPConnection.Failure(description: "expected a pid, got \(text)") }
        return pid
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }

    private static func waitUntilGone(_ pid: Int32, within seconds: TimeInterval = patience) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isAlive(pid), Date() < deadline { usleep(50_000) }
        return !isAlive(pid)
    }
}
