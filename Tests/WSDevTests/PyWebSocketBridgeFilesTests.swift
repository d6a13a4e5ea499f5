import Foundation
import XCTest

/// The bridge's Python is real files in the repository (`Handlers/PyWebSocket/Bridge/`), embedded
/// into the binary at build time and written out again for python3 to run.
final class PyWebSocketBridgeFilesTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/WSDevKit/Handlers/PyWebSocket/Bridge")

    static var files: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "py" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryBridgeFileCompiles() throws {
        XCTAssertTrue(Self.files.contains { $0.lastPathComponent == "bridge.py" }, "no bridge.py in \(Self.folder.path)")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("wsdev-pycache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        // The bytecode goes to a scratch folder, not into the source tree.
        let (status, text) = try runProgram(
            "/usr/bin/env", ["python3", "-m", "py_compile"] + Self.files.map(\.path),
            environment: ProcessInfo.processInfo.environment.merging(["PYTHONPYCACHEPREFIX": cache.path]) { $1 })
        XCTAssertEqual(status, 0, text)
    }

    func testTheBridgePython3RunsIsTheRepositorysFiles() throws {
        let fixture = try HandlerFixture(["echo_wsh.py": PyWebSocketHandlerTests.echo])
        let socket = try RawWebSocket.open(port: fixture.port, path: "/echo")
        try socket.send(text: "hi")
        XCTAssertEqual(try socket.nextText(), "hi")
        let commandLines = childProcesses(of: fixture.server.process.processIdentifier).compactMap { child in
            try? String(contentsOfFile: "/proc/\(child.pid)/cmdline", encoding: .utf8).split(separator: "\0").map(String.init)
        }
        guard let script = commandLines.compactMap({ $0.first { $0.hasSuffix("/bridge.py") } }).first else {
            return XCTFail("no python3 running bridge.py among the server's children: \(commandLines)")
        }
        let installed = URL(fileURLWithPath: script).deletingLastPathComponent()
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: installed.path).sorted(), Self.files.map(\.lastPathComponent),
            "the files written out are the repository's")
        for file in Self.files {
            let written = try Data(contentsOf: installed.appendingPathComponent(file.lastPathComponent))
            XCTAssertEqual(written, try Data(contentsOf: file), "\(file.lastPathComponent) differs from the copy wsdev runs; rebuild")
        }
    }

    /// wsdev_wire.send from many threads at once, switching threads as often as Python allows: each
    /// record arrives whole, and each thread's records in the order it sent them.
    func testRecordsSentFromManyThreadsArriveWholeAndInOrder() throws {
        let script = """
            import os, sys, threading
            sys.path.insert(0, sys.argv[1])
            import wsdev_wire as wire
            sys.setswitchinterval(1e-6)
            read_fd, write_fd = os.pipe()
            channel = wire.open_channel(read_fd, write_fd)
            THREADS, RECORDS = 16, 300
            def payload(thread, n):
                size = (40000 + n) if n % 25 == 0 else (n * 7) % 300
                return bytes([thread, n % 256]) + bytes((thread + n + i) % 251 for i in range(size))
            def sender(thread):
                for n in range(RECORDS):
                    wire.send(wire.TEXT | wire.FIN, thread, payload(thread, n))
            got = {thread: 0 for thread in range(THREADS)}
            def receive():
                for op, cid, data in wire.records(channel):
                    expected = payload(cid, got[cid])
                    if data != expected:
                        print('thread %d record %d: %d bytes, expected %d' % (cid, got[cid], len(data), len(expected)))
                        os._exit(1)
                    got[cid] += 1
                    if sum(got.values()) == THREADS * RECORDS:
                        print('ok')
                        os._exit(0)
            threading.Thread(target=receive, daemon=True).start()
            for thread in [threading.Thread(target=sender, args=(t,)) for t in range(THREADS)]:
                thread.start()
            threading.Event().wait(60)
            print('timed out: %r' % got)
            os._exit(1)
            """
        let (status, text) = try runProgram("/usr/bin/env", ["python3", "-B", "-c", script, Self.folder.path])
        XCTAssertEqual(text.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
        XCTAssertEqual(status, 0, text)
    }
}
