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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "py_compile"] + Self.files.map(\.path)
        // The bytecode goes to a scratch folder, not into the source tree.
        process.environment = ProcessInfo.processInfo.environment.merging(["PYTHONPYCACHEPREFIX": cache.path]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, text)
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
}
