import Foundation
import XCTest

/// `wsdev connect` with standard input from a pipe, as scripts use it: each line a message,
/// what arrives on standard output, the close's code as the exit status.
final class ConnectPipeTests: ServerTestCase {
    var url: String { "ws://127.0.0.1:\(port)" }

    func testLinesAreEchoedAndTheClientClosesWith1000AfterTheInput() throws {
        let run = try ConnectRun(["\(url)/echo"], input: "one\ntwo words\n\nthree\n")
        XCTAssertEqual(run.output, "one\ntwo words\n\nthree\n", run.errors)
        XCTAssertEqual(run.status, 0, run.errors)
        XCTAssertTrue(run.errors.contains("closed 1000 (normal closure) by this client"), run.errors)
        XCTAssertTrue(server.waitForLog("closed 1000 by client"), server.log)
        XCTAssertTrue(server.log.contains(", 4 in / 4 out"), "the empty line is a message too:\n\(server.log)")
    }

    func testJSONReportsEveryEventAndTheServersGoodbyeClose() throws {
        let run = try ConnectRun(["\(url)/echo", "--json"], input: "hi\nGoodbye\n", keepOpen: 1)
        XCTAssertEqual(run.status, 0, run.errors)
        let events = run.events
        XCTAssertEqual(events.first?["event"] as? String, "open", run.output)
        XCTAssertEqual(events.filter { $0["event"] as? String == "message" }.compactMap { $0["data"] as? String }, ["hi", "Goodbye"], run.output)
        let close = try XCTUnwrap(events.last, run.output)
        XCTAssertEqual(close["event"] as? String, "close", run.output)
        XCTAssertEqual(close["code"] as? Int, 1000, run.output)
        XCTAssertEqual(close["by"] as? String, "server", "/echo closes after Goodbye:\n\(run.output)")
        XCTAssertEqual(close["clean"] as? Bool, true, run.output)
    }

    func testBinaryLinesAreHexInAndOut() throws {
        let run = try ConnectRun(["\(url)/echo", "--binary"], input: "48 69 00 ff\n4869\nnot hex\n")
        XCTAssertEqual(run.output, "486900ff\n4869\n", run.errors)
        XCTAssertTrue(run.errors.contains("'not hex' is not hexadecimal bytes"), run.errors)
        XCTAssertTrue(server.waitForLog("2 in / 2 out"), "the bad line was not sent:\n\(server.log)")
        let json = try ConnectRun(["\(url)/echo", "--binary", "--json"], input: "48 69 00 ff\n")
        let message = try XCTUnwrap(json.events.first { $0["event"] as? String == "message" }, json.output)
        XCTAssertEqual(message["type"] as? String, "binary")
        XCTAssertEqual(message["data"] as? String, "SGkA/w==", "base64 in JSON, as handlers' messages=json")
    }

    func testChatMessagesReachTheOtherClients() throws {
        let listener = try RawWebSocket.open(port: port, path: "/chat")
        XCTAssertTrue(try listener.nextText().contains("\"join\""))
        let run = try ConnectRun(["\(url)/chat", "--json"], input: "hello, room\n")
        XCTAssertEqual(run.status, 0, run.errors)
        var texts: [String] = []
        while texts.count < 3 { texts.append(try listener.nextText()) }
        XCTAssertTrue(texts.contains("hello, room"), "\(texts)")
        let received = run.events.filter { $0["event"] as? String == "message" }.compactMap { $0["data"] as? String }
        XCTAssertTrue(received.contains("hello, room"), "the sender hears its own message too:\n\(run.output)")
        XCTAssertTrue(received.contains { $0.contains("\"join\"") }, run.output)
    }

    func testARefusedHandshakeShowsTheServersReasonAndExits2() throws {
        let run = try ConnectRun(["\(url)/echoo"])
        XCTAssertEqual(run.status, 2, run.errors)
        XCTAssertTrue(run.errors.contains("404 Not Found: No WebSocket endpoint at /echoo. Did you mean /echo? Endpoints on this server: /chat, "), run.errors)
        XCTAssertTrue(run.errors.contains(" /echo,"), run.errors)
        let json = try ConnectRun(["\(url)/echoo", "--json"])
        let error = try XCTUnwrap(json.events.first, json.output)
        XCTAssertEqual(error["event"] as? String, "error")
        XCTAssertEqual(error["status"] as? Int, 404)
    }

    func testAddressesItCannotUseAreExplained() throws {
        let tls = try ConnectRun(["wss://127.0.0.1:\(port)/echo"])
        XCTAssertEqual(tls.status, 2)
        XCTAssertTrue(tls.errors.contains("wsdev does not have yet") && tls.errors.contains("try ws://127.0.0.1:\(port)/echo"), tls.errors)
        let page = try ConnectRun(["http://127.0.0.1:\(port)/echo"])
        XCTAssertTrue(page.errors.contains("Try ws://127.0.0.1:\(port)/echo"), page.errors)
        let bare = try ConnectRun(["127.0.0.1:\(port)/echo"], input: "no scheme\n")
        XCTAssertEqual(bare.output, "no scheme\n", "ws:// is assumed:\n\(bare.errors)")

        let closed = try ConnectRun(["ws://127.0.0.1:\(try unusedPort())/echo"])
        XCTAssertEqual(closed.status, 2)
        XCTAssertTrue(closed.errors.contains("nothing is listening on 127.0.0.1 port"), closed.errors)
        let header = try ConnectRun(["\(url)/echo", "-H", "no colon"])
        XCTAssertEqual(header.status, 2)
        XCTAssertTrue(header.errors.contains("write a header as 'Name: value'"), header.errors)
    }

    /// A listening socket that never accepts: the kernel completes the connection, nobody answers.
    func testAServerThatNeverAnswersTheHandshakeIsGivenUpOn() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        XCTAssertTrue(listening)
        let silent = Int(UInt16(bigEndian: address.sin_port))
        let started = Date()
        let run = try ConnectRun(["ws://127.0.0.1:\(silent)/echo"])
        XCTAssertEqual(run.status, 2, run.errors)
        XCTAssertTrue(run.errors.contains("did not answer the handshake within 10 s"), run.errors)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
    }

    func testPingsAreAnsweredWithPongs() throws {
        let run = try ConnectRun(["\(url)/echo", "--ping", "0.1", "--json"], input: "x\n", keepOpen: 0.6)
        XCTAssertEqual(run.status, 0, run.errors)
        let pongs = run.events.filter { $0["event"] as? String == "pong" }
        XCTAssertGreaterThanOrEqual(pongs.count, 2, run.output)
        XCTAssertNotNil(pongs.first?["ms"] as? Double, "each pong has its round trip:\n\(run.output)")
    }

    /// A port nobody listens on: bound, read, and let go.
    private func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
