import NIOCore
import NIOHTTP1
import XCTest

@testable import WSDevKit

/// `RequestHead` reads every connection's first head from its bytes: what it reads decides the
/// connection's route, so it must read every well-formed HTTP/1.x head and refuse the rest.
final class RequestHeadTests: XCTestCase {
    private let plain = "GET /echo?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9998\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Spaces: \t padded  \r\nSec-WebSocket-Version: 13\r\n\r\n"

    private func read(_ text: String, then more: [UInt8] = []) -> RequestHead.Read {
        RequestHead.read(ByteBuffer(bytes: Array(text.utf8) + more))
    }

    private func head(_ text: String) throws -> HTTPRequestHead {
        guard case .complete(let head, _) = read(text) else { throw XCTSkip("not read: \(read(text))") }
        return head
    }

    func testAPlainHandshakeIsRead() throws {
        guard case .complete(let head, let length) = read(plain, then: [0x81, 0x80, 1, 2, 3, 4]) else { return XCTFail("not read") }
        XCTAssertEqual(length, plain.utf8.count, "the frame behind the head is not part of it")
        XCTAssertEqual(head.method, .GET)
        XCTAssertEqual(head.uri, "/echo?x=1")
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.headers.first(name: "sec-websocket-key"), "dGhlIHNhbXBsZSBub25jZQ==")
        XCTAssertEqual(head.headers.first(name: "x-spaces"), "padded", "optional white space around a value is not part of it")
        XCTAssertEqual(head.headers.count, 6)
    }

    func testEveryWellFormedHeadIsRead() throws {
        XCTAssertEqual(try head(plain.replacingOccurrences(of: "GET ", with: "POST ")).method, .POST)
        XCTAssertEqual(try head(plain.replacingOccurrences(of: "HTTP/1.1", with: "HTTP/1.0")).version, .http1_0)
        XCTAssertEqual(try head(plain.replacingOccurrences(of: "GET /echo", with: "GET http://127.0.0.1/echo")).uri, "http://127.0.0.1/echo?x=1")
        XCTAssertEqual(try head(plain.replacingOccurrences(of: "padded", with: "café")).headers.first(name: "x-spaces"), "café")
        XCTAssertEqual(try head("\r\n" + plain).uri, "/echo?x=1", "an empty line before the request is ignored (RFC 9112 §2.2)")
        let body = try head(plain.replacingOccurrences(of: "Sec-WebSocket-Version: 13\r\n", with: "Content-Length: 5\r\n") + "hello")
        XCTAssertEqual(body.headers.first(name: "content-length"), "5", "the body is the HTTP route's to read")
    }

    /// Common long names are taken from a table rather than copied: each must come out exactly as
    /// the client spelled it (a handler sees the names), whatever its case.
    func testFieldNamesKeepTheClientsSpelling() throws {
        let names = ["Sec-WebSocket-Key", "sec-websocket-key", "SEC-WEBSOCKET-KEY", "Sec-WebSocket-Extensions", "Sec-WebSocket-Keys", "sec-ch-ua-mobile", "X-A-Long-Field-Name"]
        let text = "GET / HTTP/1.1\r\nHost: a\r\n" + names.map { "\($0): v\r\n" }.joined() + "\r\n"
        XCTAssertEqual(try head(text).headers.map(\.name), ["Host"] + names)
    }

    func testAHeadCutShortWaitsForMore() {
        for cut in [1, 3, 40, plain.utf8.count - 2, plain.utf8.count - 1] {
            let bytes = ByteBuffer(bytes: Array(plain.utf8.prefix(cut)))
            guard case .incomplete = RequestHead.read(bytes) else { return XCTFail("cut at \(cut): \(RequestHead.read(bytes))") }
        }
    }

    func testMalformedHeadsAreRefused() {
        let malformed: [(String, String)] = [
            ("a folded line", plain.replacingOccurrences(of: "X-Spaces: \t padded  \r\n", with: "X-Spaces: one\r\n two\r\n")),
            ("a space before the colon", plain.replacingOccurrences(of: "X-Spaces:", with: "X-Spaces :")),
            ("a bare LF", plain.replacingOccurrences(of: "Upgrade: websocket\r\n", with: "Upgrade: websocket\nX: y\r\n")),
            ("HTTP/2 in a request line", plain.replacingOccurrences(of: "HTTP/1.1", with: "HTTP/2.0")),
            ("no target", plain.replacingOccurrences(of: "GET /echo?x=1 ", with: "GET  ")),
            ("a control byte in a value", plain.replacingOccurrences(of: "padded", with: "pad\u{7F}ded")),
        ]
        for (what, text) in malformed {
            guard case .invalid = read(text) else { return XCTFail("\(what): \(read(text))") }
        }
    }

    func testAHeadOverTheLimitIsTooLarge() {
        let long = plain.replacingOccurrences(of: "X-Spaces: \t padded  \r\n", with: "X-Long: \(String(repeating: "a", count: RequestHead.maxLength))\r\n")
        guard case .tooLarge = read(long) else { return XCTFail("\(read(long))") }
        guard case .tooLarge = RequestHead.read(ByteBuffer(bytes: Array(long.utf8.prefix(RequestHead.maxLength + 10)))) else {
            return XCTFail("an unfinished head over the limit")
        }
    }
}
