import Foundation
import XCTest

/// `LoopSession` reads `/echo`'s frames straight from the socket's bytes: frames cut anywhere by
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
