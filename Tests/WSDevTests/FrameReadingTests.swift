import Foundation
import XCTest

/// `WebSocketSession` reads every endpoint's frames straight from the socket's bytes: frames cut anywhere by
/// TCP, many frames in one read, and the header rules NIO's decoder used to enforce.
final class FrameReadingTests: ServerTestCase {
    override var serverArguments: [String] { ["--no-reload"] }

    private let messages: [(opcode: UInt8, payload: [UInt8])] = [
        (RawWebSocket.text, Array("short".utf8)),
        (RawWebSocket.binary, (0..<300).map { UInt8($0 & 0xFF) }),  // 16-bit length
        (RawWebSocket.ping, Array("are you there".utf8)),
        (RawWebSocket.binary, (0..<70_000).map { UInt8(($0 * 7) & 0xFF) }),  // 64-bit length
        (RawWebSocket.text, Array("last".utf8)),
    ]

    private func expectEchoes(_ socket: RawWebSocket, file: StaticString = #filePath, line: UInt = #line) throws {
        for (opcode, payload) in messages {
            let frame = try socket.receive()
            XCTAssertEqual(frame.opcode, opcode == RawWebSocket.ping ? RawWebSocket.pong : opcode, file: file, line: line)
            XCTAssertEqual(frame.payload, payload, "opcode \(opcode), \(payload.count) bytes", file: file, line: line)
        }
    }

    func testFramesCutAtEveryKindOfBoundaryAreReassembled() throws {
        let socket = try RawWebSocket.open(port: port)
        let stream = messages.flatMap { RawWebSocket.frame(opcode: $0.opcode, payload: $0.payload) }
        // Writes of 1, 2, 5, 13 and 4096 bytes in turn, each given time to arrive on its own, so
        // that headers, lengths, keys and payloads are all cut somewhere.
        let sizes = [1, 2, 5, 13, 4096]
        var offset = 0
        var turn = 0
        while offset < stream.count {
            let end = min(stream.count, offset + sizes[turn % sizes.count])
            try socket.connection.send(Array(stream[offset..<end]))
            offset = end
            turn += 1
            usleep(300)
        }
        try expectEchoes(socket)
    }

    func testManyFramesInOneWriteAreAnsweredInOrder() throws {
        let socket = try RawWebSocket.open(port: port)
        try socket.connection.send(messages.flatMap { RawWebSocket.frame(opcode: $0.opcode, payload: $0.payload) })
        try expectEchoes(socket)
        let many = (0..<500).flatMap { RawWebSocket.frame(opcode: RawWebSocket.text, payload: Array("message \($0)".utf8)) }
        try socket.connection.send(many)
        for index in 0..<500 {
            XCTAssertEqual(try socket.receive().text, "message \(index)")
        }
    }

    func testEchoesBeforeAViolationInTheSameWriteAreSentBeforeTheClose() throws {
        let socket = try RawWebSocket.open(port: port)
        try socket.connection.send(
            RawWebSocket.frame(opcode: RawWebSocket.text, payload: Array("kept".utf8))
                + RawWebSocket.frame(opcode: 0x3, payload: [])
                + RawWebSocket.frame(opcode: RawWebSocket.text, payload: Array("never answered".utf8)))
        XCTAssertEqual(try socket.receive().text, "kept")
        XCTAssertEqual(try socket.receive().closeCode, 1002)
        XCTAssertTrue(socket.connection.isClosedByPeer())
        XCTAssertTrue(server.waitForLog("reserved opcode 3"), server.log)
    }

    /// Invalid text is refused as it arrives, not when its message ends (RFC 6455 §8.1, Autobahn
    /// 6.4): in a fragment of an unfinished message, and in the part of a frame that has come.
    /// Without that, the server waits for the rest, which never comes, and `receive` times out.
    func testInvalidTextIsRefusedAsSoonAsItArrives() throws {
        let valid = Array("κόσμε".utf8)
        let invalid: [UInt8] = [0xF4, 0x90, 0x80, 0x80]  // would be U+110000, past Unicode
        let fragments = try RawWebSocket.open(port: port, timeout: 10)
        try fragments.send(opcode: RawWebSocket.text, payload: valid, fin: false)
        try fragments.send(opcode: 0x0, payload: invalid, fin: false)
        XCTAssertEqual(try fragments.receive().closeCode, 1007)

        let chopped = try RawWebSocket.open(port: port, timeout: 10)
        let frame = RawWebSocket.frame(opcode: RawWebSocket.text, payload: valid + invalid + Array("edited".utf8))
        // The header, the mask key and the payload as far as the second invalid byte.
        try chopped.connection.send(Array(frame[..<(6 + valid.count + 2)]))
        XCTAssertEqual(try chopped.receive().closeCode, 1007)
        XCTAssertTrue(server.waitForLog("not valid UTF-8"), server.log)

        // A frame whose first read was valid and whose last read is not: the check goes on
        // from where the first read left it.
        let split = try RawWebSocket.open(port: port, timeout: 10)
        try split.connection.send(Array(frame[..<(6 + valid.count)]))
        usleep(20_000)
        try split.connection.send(Array(frame[(6 + valid.count)...]))
        XCTAssertEqual(try split.receive().closeCode, 1007)
    }

    /// Characters cut between fragments, and between the reads of one frame, are joined.
    func testTextCutInsideCharactersIsJoined() throws {
        let text = Array("naïve café ☕ 𝄞 ok".utf8)
        let fragments = try RawWebSocket.open(port: port)
        for (index, byte) in text.enumerated() {
            try fragments.send(opcode: index == 0 ? RawWebSocket.text : 0x0, payload: [byte], fin: index == text.count - 1)
        }
        XCTAssertEqual(try fragments.receive().payload, text)

        let trickle = try RawWebSocket.open(port: port)
        for byte in RawWebSocket.frame(opcode: RawWebSocket.text, payload: text) {
            try trickle.connection.send([byte])
            usleep(300)
        }
        XCTAssertEqual(try trickle.receive().payload, text)
        // A cut character the message ends on is still invalid.
        try trickle.send(opcode: RawWebSocket.text, payload: Array("ok".utf8) + [0xE2, 0x98], fin: false)
        try trickle.send(opcode: 0x0, payload: [], fin: true)
        XCTAssertEqual(try trickle.receive().closeCode, 1007)
    }

    func testControlFramesMustBeWholeAndShort() throws {
        let long = try RawWebSocket.open(port: port)
        try long.send(opcode: RawWebSocket.ping, payload: Array(repeating: 0x61, count: 126))
        XCTAssertEqual(try long.receive().closeCode, 1002)
        XCTAssertTrue(server.waitForLog("carried 126 bytes"), server.log)

        let fragmented = try RawWebSocket.open(port: port)
        try fragmented.send(opcode: RawWebSocket.ping, payload: Array("x".utf8), fin: false)
        XCTAssertEqual(try fragmented.receive().closeCode, 1002)
        XCTAssertTrue(server.waitForLog("was fragmented"), server.log)

        let fine = try RawWebSocket.open(port: port)
        try fine.send(opcode: RawWebSocket.ping, payload: Array(repeating: 0x61, count: 125))
        XCTAssertEqual(try fine.receive().payload.count, 125, "125 bytes is allowed")
    }

    func testALengthOverTheLimitIsRefusedFromTheHeaderAlone() throws {
        let socket = try RawWebSocket.open(port: port)
        // A 64-bit length of 2^40 bytes, and no payload: the server must not wait for it.
        try socket.connection.send([0x82, 0xFF, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4])
        XCTAssertEqual(try socket.receive().closeCode, 1009)
        XCTAssertTrue(server.waitForLog("--max-message"), server.log)
    }
}
