import Foundation
import XCTest

/// The workshop examples shipped in `handlers/` work as their comments say.
final class ExampleHandlerTests: XCTestCase {
    static let handlers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("handlers").path

    func testExamples() throws {
        let server = try ServerProcess(root: TutorialPageBrowserTests.publicDirectory, arguments: ["--handlers", Self.handlers])
        defer { _ = server.stop() }
        for path in ["/count", "/reverse", "/room", "/shout"] {
            XCTAssertTrue(server.log.contains("ws://127.0.0.1:\(server.port)\(path) "), "banner lists \(path):\n\(server.log)")
        }
        let count = try RawWebSocket.open(port: server.port, path: "/count")
        XCTAssertEqual(try count.nextText(), "1")
        XCTAssertEqual(try count.nextText(), "2")

        let reverse = try RawWebSocket.open(port: server.port, path: "/reverse")
        try reverse.send(text: "stressed")
        XCTAssertEqual(try reverse.nextText(), "desserts")

        let shout = try RawWebSocket.open(port: server.port, path: "/shout")
        try shout.send(text: "quiet please")
        XCTAssertEqual(try shout.nextText(), "QUIET PLEASE")
        try shout.send(binary: [1, 2, 3])
        XCTAssertEqual(try shout.receiveMessage().payload, [1, 2, 3])
        try shout.send(text: "bye")
        XCTAssertEqual(try shout.nextText(), "close 4000 you said bye")

        let first = try RawWebSocket.open(port: server.port, path: "/room")
        let second = try RawWebSocket.open(port: server.port, path: "/room")
        try first.send(text: "anyone here?")
        XCTAssertEqual(try second.nextText(), "anyone here?")
        XCTAssertEqual(try first.nextText(), "anyone here?")
    }
}
