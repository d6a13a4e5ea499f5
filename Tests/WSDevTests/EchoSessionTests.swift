import Foundation
import XCTest

/// `/echo` on the engine every endpoint uses (`WebSocketSession`): the close handshake's rules
/// and backpressure.
final class EchoSessionTests: ServerTestCase {
    /// The reply to a client's close frame, and whether the server then ended the TCP connection.
    private func closeReply(to payload: [UInt8]) throws -> (code: Int?, hungUp: Bool) {
        let socket = try RawWebSocket.open(port: port)
        try socket.send(opcode: RawWebSocket.close, payload: payload)
        let reply = try socket.receiveMessage()
        XCTAssertEqual(reply.opcode, RawWebSocket.close)
        return (reply.closeCode, socket.connection.isClosedByPeer())
    }

    func testCloseFramesAreCheckedBeforeTheyAreAnswered() throws {
        XCTAssertEqual(try closeReply(to: []).code, 1000, "an empty close is answered normally")
        XCTAssertEqual(try closeReply(to: [0x0F, 0xA0] + Array("bye".utf8)).code, 4000, "4000 is a private code a peer may send; it is echoed (RFC 6455 §5.5.1)")
        XCTAssertEqual(try closeReply(to: [0x03]).code, 1002, "a one-byte close payload is malformed")
        XCTAssertEqual(try closeReply(to: [0x03, 0xED]).code, 1002, "1005 must never be sent in a close frame")
        XCTAssertEqual(try closeReply(to: [0x03, 0xE8, 0xFF, 0xFE]).code, 1007, "the reason must be UTF-8")
        XCTAssertTrue(try closeReply(to: [0x03, 0xE8]).hungUp, "the server ends the TCP connection after the handshake")
        XCTAssertTrue(server.waitForLog("closed 1000 by client"), server.log)
    }

    func testFramesAfterGoodbyeAreIgnoredUntilTheClientCloses() throws {
        let socket = try RawWebSocket.open(port: port)
        try socket.send(text: "Goodbye")
        XCTAssertEqual(try socket.receiveMessage().text, "Goodbye")
        XCTAssertEqual(try socket.receiveMessage().closeCode, 1000)
        try socket.send(text: "too late")
        try socket.sendClose()
        XCTAssertTrue(socket.connection.isClosedByPeer(), "the client's close completes the handshake and the server hangs up")
        XCTAssertTrue(server.waitForLog("closed 1000 by server"), server.log)
        XCTAssertTrue(server.log.contains("2 in / 1 out"), "the late message is received but not answered: \(server.log)")
    }

    func testAClientThatSendsFINWithoutACloseFrameIsHungUpOn() throws {
        let socket = try RawWebSocket.open(port: port)
        try socket.send(text: "one")
        XCTAssertEqual(try socket.receiveMessage().text, "one")
        shutdown(socket.connection.descriptor, Int32(SHUT_WR))
        XCTAssertTrue(socket.connection.isClosedByPeer(), "nothing more can arrive, so the server closes too")
        XCTAssertTrue(server.waitForLog("closed 1006"), server.log)
    }

    /// A browser tab closed or a laptop gone to sleep: no close frame, only the TCP connection
    /// ending. With permessage-deflate (every browser offers it) and on a handler, the log must say
    /// the connection was lost, not that the server closed it normally.
    func testADroppedConnectionIsLoggedAsLostWithDeflateAndOnAHandler() throws {
        let deflated = try RawWebSocket.open(port: port, headers: ["Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits"])
        try deflated.send(text: "one")
        _ = try deflated.receiveMessage()
        shutdown(deflated.connection.descriptor, Int32(SHUT_RDWR))
        XCTAssertTrue(server.waitForLog("closed 1006"), server.log)
        XCTAssertFalse(server.log.contains("closed 1000 by server"), server.log)

        let fixture = try HandlerFixture(["cat.sh": "#!/bin/sh\nexec cat\n"])
        let handler = try RawWebSocket.open(port: fixture.port, path: "/cat")
        try handler.send(text: "two")
        XCTAssertEqual(try handler.nextText(), "two")
        shutdown(handler.connection.descriptor, Int32(SHUT_RDWR))
        XCTAssertTrue(fixture.server.waitForLog("closed 1006"), fixture.server.log)
        XCTAssertFalse(fixture.server.log.contains("closed 1000 by server"), fixture.server.log)
    }

    func testAClientThatNeverReadsIsNotBufferedWithoutLimit() throws {
        let pid = server.process.processIdentifier
        let before = residentKiB(of: pid)
        let socket = try RawWebSocket.open(port: port, timeout: 1)
        // One 1 MiB binary frame, masked with the all-zero key (legal, and free to send again).
        let size = 1 << 20
        let frame: [UInt8] = [0x82, 0x80 | 127] + (0..<8).reversed().map { UInt8((size >> ($0 * 8)) & 0xff) } + [0, 0, 0, 0]
            + [UInt8](repeating: 0x5A, count: size)
        let sent = flood(seconds: 4, limit: 400 << 20) {
            try socket.connection.send(frame)
            return size
        }
        let during = residentKiB(of: pid)
        XCTAssertLessThan(sent, 64 << 20, "the server should stop reading while its echoes cannot be written, but took \(sent >> 20) MiB")
        XCTAssertLessThan(during - before, 48_000, "server RSS grew from \(before) KiB to \(during) KiB")
        let other = try RawWebSocket.open(port: port)
        try other.send(text: "still here")
        XCTAssertEqual(try other.receiveMessage().text, "still here", "everyone else is still served")
    }

    func testQuietClientsArePingedAndSilentOnesClosed() throws {
        let quick = try ServerProcess(root: site.root.path, arguments: ["--ping-interval", "0.3"])
        defer { _ = quick.stop() }
        let silent = try RawWebSocket.open(port: quick.port, timeout: 10)
        let ping = try silent.receive()
        XCTAssertEqual(ping.opcode, RawWebSocket.ping, "a quiet connection is pinged")
        let close = try silent.receive()
        XCTAssertEqual(close.closeCode, 1001, "no answer to the ping: the server goes away")
        try silent.sendClose(code: 1001)
        XCTAssertTrue(quick.waitForLog("answered nothing"), quick.log)

        // A client that answers its pings, and does nothing else, stays open interval after interval.
        let answering = try RawWebSocket.open(port: quick.port, timeout: 10)
        var pings = 0
        let start = Date()
        while Date().timeIntervalSince(start) < 1.5 {
            let frame = try answering.receive()
            XCTAssertEqual(frame.opcode, RawWebSocket.ping, "only pings while the client is quiet, got opcode \(frame.opcode)")
            guard frame.opcode == RawWebSocket.ping else { break }
            try answering.send(opcode: RawWebSocket.pong, payload: frame.payload)
            pings += 1
        }
        XCTAssertGreaterThanOrEqual(pings, 3)
        try answering.send(text: "still here")
        XCTAssertEqual(try answering.receiveMessage().text, "still here")
    }
}
