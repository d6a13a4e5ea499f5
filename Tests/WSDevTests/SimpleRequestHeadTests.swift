import NIOCore
import NIOHTTP1
import XCTest

@testable import WSDevKit

/// `SimpleRequestHead` reads only the plainest heads; everything else must be left to llhttp.
final class SimpleRequestHeadTests: XCTestCase {
    private let plain = "GET /echo?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9998\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Spaces: \t padded  \r\nSec-WebSocket-Version: 13\r\n\r\n"

    private func read(_ text: String, then more: [UInt8] = []) -> (head: HTTPRequestHead, length: Int)? {
        SimpleRequestHead.read(ByteBuffer(bytes: Array(text.utf8) + more))
    }

    func testAPlainHandshakeIsRead() throws {
        let (head, length) = try XCTUnwrap(read(plain, then: [0x81, 0x80, 1, 2, 3, 4]))
        XCTAssertEqual(length, plain.utf8.count, "the frame behind the head is not part of it")
        XCTAssertEqual(head.method, .GET)
        XCTAssertEqual(head.uri, "/echo?x=1")
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.headers.first(name: "sec-websocket-key"), "dGhlIHNhbXBsZSBub25jZQ==")
        XCTAssertEqual(head.headers.first(name: "x-spaces"), "padded", "optional white space around a value is not part of it")
        XCTAssertEqual(head.headers.count, 6)
    }

    func testAnythingUnusualIsLeftToTheDecoder() {
        let unusual: [(String, String)] = [
            ("a head cut short", String(plain.dropLast(3))),
            ("a body", plain.replacingOccurrences(of: "Sec-WebSocket-Version: 13\r\n", with: "Content-Length: 5\r\n") + "hello"),
            ("a chunked body", plain.replacingOccurrences(of: "X-Spaces", with: "Transfer-Encoding: chunked\r\nX-Spaces")),
            ("another method", plain.replacingOccurrences(of: "GET ", with: "POST ")),
            ("HTTP/1.0", plain.replacingOccurrences(of: "HTTP/1.1", with: "HTTP/1.0")),
            ("an absolute target", plain.replacingOccurrences(of: "GET /echo", with: "GET http://127.0.0.1/echo")),
            ("a folded line", plain.replacingOccurrences(of: "X-Spaces: \t padded  \r\n", with: "X-Spaces: one\r\n two\r\n")),
            ("a space before the colon", plain.replacingOccurrences(of: "X-Spaces:", with: "X-Spaces :")),
            ("a byte past ASCII", plain.replacingOccurrences(of: "padded", with: "café")),
            ("a bare LF", plain.replacingOccurrences(of: "Upgrade: websocket\r\n", with: "Upgrade: websocket\n")),
        ]
        for (what, text) in unusual {
            XCTAssertNil(read(text), what)
        }
        XCTAssertNil(read(plain.replacingOccurrences(of: "X-Spaces: \t padded  \r\n", with: "X-Long: \(String(repeating: "a", count: 9000))\r\n")),
                     "a head longer than 8 KiB")
    }
}
