import Foundation
import XCTest

/// `/echo` and the RFC 6455 rules around it, over real sockets against the real binary.
final class WebSocketEchoTests: ServerTestCase {
    override var serverArguments: [String] { ["--max-message", "64K"] }

    func testEchoesTextAndBinaryThenGoodbyeClosesNormally() throws {
        let socket = try RawWebSocket.open(port: port)
        XCTAssertEqual(socket.handshake[header: "Upgrade"]?.lowercased(), "websocket")
        XCTAssertNotNil(socket.handshake[header: "Sec-WebSocket-Accept"])
        try socket.send(text: "Message to send")
        var frame = try socket.receiveMessage()
        XCTAssertEqual(frame.opcode, RawWebSocket.text)
        XCTAssertEqual(frame.text, "Message to send")
        try socket.send(binary: [0, 1, 2, 255])
        frame = try socket.receiveMessage()
        XCTAssertEqual(frame.opcode, RawWebSocket.binary)
        XCTAssertEqual(frame.payload, [0, 1, 2, 255])
        try socket.send(text: "Goodbye")
        XCTAssertEqual(try socket.receiveMessage().text, "Goodbye")
        let close = try socket.receiveMessage()
        XCTAssertEqual(close.opcode, RawWebSocket.close)
        XCTAssertEqual(close.closeCode, 1000)
        try socket.sendClose(code: 1000)
        XCTAssertTrue(socket.connection.isClosedByPeer())
        XCTAssertTrue(server.waitForLog("closed 1000 by server"), server.log)
        XCTAssertTrue(server.log.contains("3 in / 3 out"), server.log)
    }

    func testFragmentedMessageAndPing() throws {
        let socket = try RawWebSocket.open(port: port)
        try socket.send(opcode: RawWebSocket.text, payload: Array("Hel".utf8), fin: false)
        try socket.send(opcode: RawWebSocket.ping, payload: Array("are you there".utf8))
        try socket.send(opcode: 0x0, payload: Array("lo".utf8), fin: true)
        let pong = try socket.receive()
        XCTAssertEqual(pong.opcode, RawWebSocket.pong)
        XCTAssertEqual(pong.text, "are you there")
        XCTAssertEqual(try socket.receiveMessage().text, "Hello")
    }

    func testClientCloseIsAnsweredAndLogged() throws {
        let socket = try RawWebSocket.open(port: port)
        try socket.sendClose(code: 1000, reason: "done")
        let reply = try socket.receiveMessage()
        XCTAssertEqual(reply.closeCode, 1000)
        XCTAssertTrue(socket.connection.isClosedByPeer())
        XCTAssertTrue(server.waitForLog("closed 1000 by client"), server.log)
        XCTAssertTrue(server.log.contains("/echo #1 open from 127.0.0.1:"), server.log)
    }

    func testSubprotocolFirstOfferedIsSelected() throws {
        let offered = try RawWebSocket.open(port: port, headers: ["Sec-WebSocket-Protocol": "chat, superchat"])
        XCTAssertEqual(offered.handshake[header: "Sec-WebSocket-Protocol"], "chat")
        let none = try RawWebSocket.open(port: port)
        XCTAssertNil(none.handshake[header: "Sec-WebSocket-Protocol"])
    }

    func testPermessageDeflateNegotiatedAndUsed() throws {
        let socket = try RawWebSocket.open(port: port, headers: ["Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits"])
        let extensions = try XCTUnwrap(socket.handshake[header: "Sec-WebSocket-Extensions"])
        XCTAssertTrue(extensions.hasPrefix("permessage-deflate"), extensions)
        let text = String(repeating: "wsdev compresses repetitive text. ", count: 300)
        try socket.send(text: text)
        let echo = try socket.receiveMessage()
        XCTAssertTrue(echo.rsv1, "the echo should be compressed (RSV1 set)")
        XCTAssertLessThan(echo.payload.count, text.utf8.count / 10)
        // A compressed message from the client: one stored deflate block, as RFC 7692 allows.
        let payload = Array("stored block".utf8)
        let block: [UInt8] = [0x01, UInt8(payload.count), 0, ~UInt8(payload.count), 0xFF] + payload
        try socket.send(opcode: RawWebSocket.text, payload: block, rsv1: true)
        XCTAssertEqual(try socket.receiveMessage().opcode, RawWebSocket.text)
    }

    func testNoDeflateFlagTurnsCompressionOff() throws {
        let plain = try ServerProcess(root: site.root.path, arguments: ["--no-deflate"])
        defer { _ = plain.stop() }
        let socket = try RawWebSocket.open(port: plain.port, headers: ["Sec-WebSocket-Extensions": "permessage-deflate"])
        XCTAssertNil(socket.handshake[header: "Sec-WebSocket-Extensions"])
        let text = String(repeating: "x", count: 5000)
        try socket.send(text: text)
        let echo = try socket.receiveMessage()
        XCTAssertFalse(echo.rsv1)
        XCTAssertEqual(echo.text, text)
    }

    func testUnmaskedClientFrameClosesWith1002AndOthersKeepWorking() throws {
        let bystander = try RawWebSocket.open(port: port)
        let offender = try RawWebSocket.open(port: port)
        try offender.send(opcode: RawWebSocket.text, payload: Array("not masked".utf8), masked: false)
        let close = try offender.receiveMessage()
        XCTAssertEqual(close.opcode, RawWebSocket.close)
        XCTAssertEqual(close.closeCode, 1002)
        XCTAssertTrue(offender.connection.isClosedByPeer())
        XCTAssertTrue(server.waitForLog("unmasked"), server.log)
        try bystander.send(text: "still here")
        XCTAssertEqual(try bystander.receiveMessage().text, "still here")
    }

    func testInvalidUTF8TextClosesWith1007() throws {
        let socket = try RawWebSocket.open(port: port)
        try socket.send(opcode: RawWebSocket.text, payload: [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xFF, 0xFE])
        let close = try socket.receiveMessage()
        XCTAssertEqual(close.closeCode, 1007)
    }

    func testOversizeMessagesCloseWith1009() throws {
        let single = try RawWebSocket.open(port: port)
        try single.send(binary: [UInt8](repeating: 7, count: 65 * 1024))
        XCTAssertEqual(try single.receiveMessage().closeCode, 1009)

        let fragmented = try RawWebSocket.open(port: port)
        try fragmented.send(opcode: RawWebSocket.binary, payload: [UInt8](repeating: 1, count: 20 * 1024), fin: false)
        for _ in 0..<4 {
            try fragmented.send(opcode: 0x0, payload: [UInt8](repeating: 1, count: 20 * 1024), fin: false)
        }
        XCTAssertEqual(try fragmented.receiveMessage().closeCode, 1009)

        let within = try RawWebSocket.open(port: port)
        let payload = [UInt8](repeating: 9, count: 60 * 1024)
        try within.send(binary: payload)
        XCTAssertEqual(try within.receiveMessage().payload, payload)
    }

    func testRefusedHandshakesGetHTTPAnswers() throws {
        var (socket, reply) = try RawWebSocket.handshake(port: port, headers: ["Sec-WebSocket-Version": "8"])
        XCTAssertNil(socket)
        XCTAssertEqual(reply.status, 426)
        XCTAssertEqual(reply[header: "Sec-WebSocket-Version"], "13")
        XCTAssertTrue(reply.text.contains("version 13"), reply.text)

        (socket, reply) = try RawWebSocket.handshake(port: port, headers: ["Sec-WebSocket-Key": nil])
        XCTAssertEqual(reply.status, 400)
        XCTAssertTrue(reply.text.contains("Sec-WebSocket-Key"), reply.text)

        (socket, reply) = try RawWebSocket.handshake(port: port, path: "/nowhere")
        XCTAssertEqual(reply.status, 404)
        XCTAssertTrue(reply.text.contains("/echo"), "the refusal should list the endpoints: \(reply.text)")

        XCTAssertTrue(server.waitForLog("refused 426"), server.log)
        // The server is unharmed.
        let after = try RawWebSocket.open(port: port)
        try after.send(text: "ok")
        XCTAssertEqual(try after.receiveMessage().text, "ok")
    }

    func testPlainGetOnEndpointExplainsItself() throws {
        let reply = try RawHTTP.get("/echo", port: port)
        XCTAssertEqual(reply.status, 426)
        XCTAssertEqual(reply[header: "Upgrade"], "websocket")
        XCTAssertTrue(reply.text.contains("new WebSocket("), reply.text)
        XCTAssertEqual(try RawHTTP.get("/", port: port).status, 200, "static files share the port")
    }
}
