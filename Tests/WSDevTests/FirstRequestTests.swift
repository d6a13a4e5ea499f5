import Foundation
import XCTest

/// A connection's first request is read by `FirstRequest`, from the bytes, before any HTTP
/// machinery exists: it answers handshakes itself and replays everything else into NIO's HTTP
/// pipeline.
/// These are the ways a first request can arrive that the two paths must agree on.
final class FirstRequestTests: ServerTestCase {
    override var siteFiles: [String: String] { ["index.html": "<p>first</p>", "a.txt": "alpha\n"] }
    override var serverArguments: [String] { ["--no-reload"] }

    private func handshake(_ path: String = "/echo", extra: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n"
    }

    private func maskedText(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [1, 2, 3, 4]
        return [0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    func testTheAnswerIsTheOneRFC6455Gives() throws {
        let connection = try TCPConnection(port: port)
        try connection.send(handshake())
        let reply = try RawHTTP.read(from: connection)
        XCTAssertEqual(reply.status, 101)
        XCTAssertEqual(reply[header: "Sec-WebSocket-Accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "RFC 6455 §1.3's example key")
        XCTAssertEqual(reply[header: "Upgrade"]?.lowercased(), "websocket")
        XCTAssertEqual(reply[header: "Connection"]?.lowercased(), "upgrade")
    }

    func testFramesSentWithTheHandshakeAreNotLost() throws {
        let connection = try TCPConnection(port: port)
        try connection.send(Array(handshake().utf8) + maskedText("right behind the handshake") + maskedText("and another"))
        let socket = RawWebSocket(connection: connection, handshake: try RawHTTP.read(from: connection))
        XCTAssertEqual(try socket.receiveMessage().text, "right behind the handshake")
        XCTAssertEqual(try socket.receiveMessage().text, "and another")
    }

    /// A handshake on a keep-alive connection that already carried a request (aiohttp's pooled
    /// `ws_connect` after a GET) cannot switch; it gets a 400 that says why and what to do, the
    /// connection is closed after it (NIO's decoder reads no request after a handshake), and the
    /// log says the same.
    func testAHandshakeAfterAnotherRequestIsRefusedWithTheReason() throws {
        let connection = try TCPConnection(port: port)
        try connection.send("GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: connection).text, "alpha\n")
        try connection.send(handshake())
        let refused = try RawHTTP.read(from: connection)
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused[header: "Content-Type"], "text/plain; charset=utf-8")
        XCTAssertTrue(refused.text.contains("already carried another HTTP request"), refused.text)
        XCTAssertTrue(refused.text.contains("new connection"), refused.text)
        XCTAssertTrue(server.waitForLog("WS   refused 400 for 127.0.0.1:"), server.log)
        XCTAssertEqual(refused[header: "Connection"], "close")
        XCTAssertEqual(try connection.readToEnd(), [], "closed by the server after the answer")
        let fresh = try TCPConnection(port: port)
        try fresh.send(handshake())
        XCTAssertEqual(try RawHTTP.read(from: fresh).status, 101, "a new connection switches")
    }

    /// Handshakes with unusual but valid heads (UTF-8 in a value, an empty body, padded values) are answered.
    func testUnusualButValidHandshakesAreAnsweredToo() throws {
        for extra in ["X-Note: caf\u{E9}\r\n", "Content-Length: 0\r\n", "X-Padded: \t value \t\r\n"] {
            let connection = try TCPConnection(port: port)
            try connection.send(Array(handshake(extra: extra).utf8) + maskedText("unusual"))
            let reply = try RawHTTP.read(from: connection)
            XCTAssertEqual(reply.status, 101, extra)
            XCTAssertEqual(try RawWebSocket(connection: connection, handshake: reply).receiveMessage().text, "unusual", extra)
        }
    }

    /// The handshake's fields are read from bytes, without lower-casing copies: names and tokens
    /// in any case, `Upgrade` as a token list, and the page's own origin however it is written,
    /// are accepted; a key or version sent twice, a look-alike token and a foreign page are not.
    func testHandshakeFieldsAreReadInAnyCaseAndCountedExactly() throws {
        let plain = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        let accepted: [(String, upgrade: String)] = [
            (plain + "UPGRADE: WebSocket\r\nconnection: upgrade\r\nSEC-WEBSOCKET-KEY: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n", "WebSocket"),
            (plain + "Upgrade: h2c, websocket\r\nConnection: Upgrade\r\n\(key)Sec-WebSocket-Version: 13\r\n\r\n", "websocket"),
            (plain + "Upgrade: h2c\r\nUpgrade:  websocket \r\nConnection: Upgrade\r\n\(key)Sec-WebSocket-Version: 13\r\n\r\n", "websocket"),
            (handshake(extra: "Origin: HTTP://127.0.0.1:\(port)/\r\n"), "websocket"),
            (handshake(extra: "Origin: https://127.0.0.1:\(port)\r\n"), "websocket"),
        ]
        for (request, upgrade) in accepted {
            let connection = try TCPConnection(port: port)
            try connection.send(Array(request.utf8) + maskedText("any case"))
            let reply = try RawHTTP.read(from: connection)
            XCTAssertEqual(reply.status, 101, request)
            XCTAssertEqual(reply[header: "Upgrade"], upgrade, request)
            XCTAssertEqual(reply[header: "Sec-WebSocket-Accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", request)
            XCTAssertEqual(try RawWebSocket(connection: connection, handshake: reply).receiveMessage().text, "any case", request)
        }
        let refused: [(String, status: Int)] = [
            (handshake(extra: "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), 400),
            (handshake(extra: "SEC-WEBSOCKET-VERSION: 13\r\n"), 426),
            (plain + "Upgrade: websockets\r\nConnection: Upgrade\r\n\(key)Sec-WebSocket-Version: 13\r\n\r\n", 426),
            (handshake(extra: "Origin: http://127.0.0.1.evil.example:\(port)\r\n"), 403),
            (handshake(extra: "Origin: http://evil.example\r\n"), 403),
        ]
        for (request, status) in refused {
            let connection = try TCPConnection(port: port)
            try connection.send(request)
            XCTAssertEqual(try RawHTTP.read(from: connection).status, status, request)
        }
    }

    /// A request that names another protocol in `Upgrade` (`curl --http2` sends `Upgrade: h2c`)
    /// is answered as HTTP/1.1, whether its head comes in one read or byte by byte. NIO's upgrade
    /// handler lost such a request when no upgrader matched: the client got no answer at all.
    func testARequestUpgradingToAnotherProtocolIsServedAsHTTP() throws {
        let request = "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"
        for byteByByte in [false, true] {
            let connection = try TCPConnection(port: port)
            if byteByByte {
                for byte in Array(request.utf8) { try connection.send([byte]) }
            } else {
                try connection.send(request)
            }
            let reply = try RawHTTP.read(from: connection)
            XCTAssertEqual(reply.status, 200, "byte by byte: \(byteByByte)")
            XCTAssertEqual(reply.text, "alpha\n", "byte by byte: \(byteByByte)")
        }
    }

    /// A request NIO's decoder cannot read gets 400 and is closed (it used to get no answer at
    /// all: the connection waited until the client gave up), and the server serves the next.
    func testARequestThatCannotBeParsedGets400() throws {
        for request in [
            "GET /a.txt HTTP/1.1\r\nHost: localhost\r\nBad Header: y\r\n\r\n",
            handshake(extra: "X-Folded: one\r\n two\r\n"),  // obs-fold, which RFC 9112 lets a server refuse
        ] {
            let connection = try TCPConnection(port: port, timeout: 10)
            try connection.send(request)
            XCTAssertEqual(try RawHTTP.read(from: connection).status, 400, request)
            XCTAssertTrue(connection.isClosedByPeer(), request)
        }
        XCTAssertTrue(server.waitForLog("HTTP 400 for 127.0.0.1:"), server.log)
        XCTAssertTrue(server.log.contains("the request is not valid HTTP/1.1"), server.log)
        XCTAssertEqual(try RawWebSocket.open(port: port).handshake.status, 101)
    }

    func testAHandshakeSentByteByByteIsAnswered() throws {
        let connection = try TCPConnection(port: port)
        for byte in Array(handshake(extra: "Sec-WebSocket-Protocol: chat, superchat\r\n").utf8) {
            try connection.send([byte])
            usleep(200)
        }
        let reply = try RawHTTP.read(from: connection)
        XCTAssertEqual(reply.status, 101)
        XCTAssertEqual(reply[header: "Sec-WebSocket-Protocol"], "chat", "the first offered subprotocol is selected")
        let socket = RawWebSocket(connection: connection, handshake: reply)
        try socket.send(text: "slowly")
        XCTAssertEqual(try socket.receiveMessage().text, "slowly")
    }

    func testHTTPRequestsSentByteByByteOrPipelinedAreAnsweredInOrder() throws {
        let slow = try TCPConnection(port: port)
        for byte in Array("GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8) {
            try slow.send([byte])
            usleep(200)
        }
        let first = try RawHTTP.read(from: slow)
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(String(decoding: first.body, as: UTF8.self), "alpha\n")

        let pipelined = try TCPConnection(port: port)
        try pipelined.send("GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: pipelined).status, 200)
        XCTAssertEqual(try RawHTTP.read(from: pipelined).status, 404)
        XCTAssertEqual(try RawHTTP.read(from: pipelined).status, 200)
    }

    func testHandshakesItDoesNotAnswerItselfAreDecidedOnce() throws {
        // Deflate, /chat and a refusal are each decided once: connection numbers do not skip.
        let deflate = try TCPConnection(port: port)
        try deflate.send(handshake(extra: "Sec-WebSocket-Extensions: permessage-deflate\r\n"))
        let reply = try RawHTTP.read(from: deflate)
        XCTAssertEqual(reply.status, 101)
        XCTAssertEqual(reply[header: "Sec-WebSocket-Extensions"], "permessage-deflate")
        let chat = try RawWebSocket.open(port: port, path: "/chat")
        _ = try chat.receiveMessage()  // the join notice
        let refused = try TCPConnection(port: port)
        try refused.send(handshake(extra: "Origin: http://elsewhere.example\r\n"))
        XCTAssertEqual(try RawHTTP.read(from: refused).status, 403)
        let plain = try RawWebSocket.open(port: port)
        try plain.send(text: "numbered")
        XCTAssertEqual(try plain.receiveMessage().text, "numbered")
        XCTAssertTrue(server.waitForLog("/echo #3 open"), server.log)
        XCTAssertTrue(server.log.contains("/echo #1 open") && server.log.contains("/chat #2 open"), server.log)
    }
}

extension FirstRequestTests {
    func testAClientThatHalfClosesBeforeAnyRequestIsClosed() throws {
        // A port probe or health check: connect, send nothing, FIN. Left open, each would sit in
        // CLOSE_WAIT for the server's whole life.
        for _ in 0..<3 {
            let probe = try TCPConnection(port: port)
            shutdown(probe.descriptor, Int32(SHUT_WR))
            XCTAssertTrue(probe.isClosedByPeer(), "the server closes a connection that can no longer ask anything")
        }
        let partial = try TCPConnection(port: port)
        try partial.send("GET /a.txt HTTP/1.1\r\nHost: localhost\r\n")
        shutdown(partial.descriptor, Int32(SHUT_WR))
        XCTAssertTrue(partial.isClosedByPeer(), "a request cut short by the client's FIN ends the connection")
        let after = try TCPConnection(port: port)
        try after.send("GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: after).status, 200, "and the server goes on serving")
    }


    /// `wss://` or `https://` aimed at the plain port: the first byte is a TLS handshake record.
    func testATLSHandshakeIsNamedInTheLogAndTheConnectionClosed() throws {
        let connection = try TCPConnection(port: port)
        // The start of a ClientHello: record type 22, TLS 1.0 record version, length, handshake type 1.
        try connection.send([0x16, 0x03, 0x01, 0x00, 0xF8, 0x01, 0x00, 0x00, 0xF4, 0x03, 0x03] + [UInt8](repeating: 7, count: 32))
        XCTAssertEqual(try connection.readToEnd(), [], "no HTTP answer to a TLS client, only the close")
        XCTAssertTrue(server.waitForLog("a TLS handshake arrived on the plain port: use ws:// and http:// (wsdev has no TLS yet)"), server.log)
        XCTAssertFalse(server.log.contains("HTTP 400 for"), "not reported as a bad HTTP request:\n\(server.log)")
    }
}
