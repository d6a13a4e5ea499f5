import Foundation
import XCTest

/// Client-supplied text never reaches the terminal raw: a C1 byte such as U+009B (CSI) or U+0085
/// (NEL) in an Origin or a Host could move the cursor, clear the screen or forge a line.
final class LogEscapingTests: ServerTestCase {
    override var siteFiles: [String: String] { ["a.txt": "aaa\n"] }

    private func controlScalars(_ text: String) -> [UInt32] {
        text.unicodeScalars.map(\.value).filter { ($0 < 0x20 && $0 != 0x0A) || (0x7F...0x9F).contains($0) }
    }

    func testControlCharactersFromClientsAreEscapedInTheLog() throws {
        let origin = "http://evil\u{9B}2J\u{85}fake.example"
        let refused = try RawWebSocket.handshake(port: port, headers: ["Origin": origin]).reply
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(server.waitForLog("refused 403"), server.log)

        // (A request target cannot carry one: NIO's parser refuses bytes above 0x7E there with 400.)
        let host = try TCPConnection(port: port)
        try host.send("GET /a.txt HTTP/1.1\r\nHost: evil\u{85}.example\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: host).status, 400, "a host name is ASCII (browsers send IDNs as punycode)")
        XCTAssertTrue(server.waitForLog("Host 'evil"), server.log)

        XCTAssertEqual(controlScalars(server.log), [], server.log.debugDescription)
        XCTAssertTrue(server.log.contains(#"evil\u{9B}2J\u{85}fake.example"#), server.log)
        XCTAssertTrue(server.log.contains(#"Host 'evil\u{85}.example'"#), server.log)
    }
}
