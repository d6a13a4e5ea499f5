import Foundation
import NIOCore
import Synchronization
import XCTest

@testable import WSDevKit

/// The console's parts without a server: the did-you-mean, the JSON it writes, what it keeps for a
/// console opened later, who may open it, and the event hub's interests.
final class ConsolePartsTests: XCTestCase {
    func testPathSuggestions() {
        XCTAssertEqual(PathSuggestion.closest(to: "/echoo", among: ["/chat", "/echo"]), "/echo")
        XCTAssertEqual(PathSuggestion.closest(to: "/Chat", among: ["/chat", "/echo"]), "/chat")
        XCTAssertEqual(PathSuggestion.closest(to: "/ecoh", among: ["/chat", "/echo"]), "/echo", "a swapped pair")
        XCTAssertEqual(PathSuggestion.closest(to: "/games/dise", among: ["/games/dice", "/games/dice.py"]), "/games/dice")
        XCTAssertNil(PathSuggestion.closest(to: "/weather", among: ["/chat", "/echo"]))
        XCTAssertNil(PathSuggestion.closest(to: "/x", among: []))
        XCTAssertEqual(
            UpgradeRefusal.notFound(path: "/echoo", known: ["/chat", "/echo"]).message,
            "No WebSocket endpoint at /echoo. Did you mean /echo? Endpoints on this server: /chat, /echo.")
        XCTAssertEqual(
            UpgradeRefusal.notFound(path: "/weather", known: ["/chat", "/echo"]).message,
            "No WebSocket endpoint at /weather. Endpoints on this server: /chat, /echo.")
    }

    func testJSONTextEscapesWhatWouldBreakIt() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7} del \u{7F} separator \u{2028} é 😀"
        var object = JSONObject(type: "x")
        object.add("text", text)
        object.add("none", nil as String?)
        object.add("n", 3)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(object.json.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["text"] as? String, text)
        XCTAssertTrue(parsed["none"] is NSNull)
        XCTAssertEqual(parsed["n"] as? Int, 3)
        XCTAssertFalse(object.json.contains("\u{2028}"), "a raw U+2028 ends a line in some JavaScript parsers")
    }

    func testFramesAsTheConsoleReceivesThem() throws {
        func json(_ kind: SocketEvent.Frame.Kind, _ bytes: [UInt8], size: Int? = nil) throws -> [String: Any] {
            let frame = SocketEvent.Frame(id: 7, inbound: false, kind: kind, size: size ?? bytes.count, preview: ByteBuffer(bytes: bytes), at: Date(timeIntervalSince1970: 1))
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ConsoleJSON.event(.frame(frame)).utf8)) as? [String: Any])
        }
        let text = try json(.text, Array("héllo".utf8), size: 5000)
        XCTAssertEqual(text["text"] as? String, "héllo")
        XCTAssertEqual(text["cut"] as? Bool, true)
        XCTAssertEqual(text["dir"] as? String, "out")
        XCTAssertEqual(text["at"] as? Int, 1000)
        let binary = try json(.binary, Array(0..<100))
        XCTAssertEqual((binary["hex"] as? String)?.count, 128, "64 bytes of hex")
        XCTAssertEqual(binary["cut"] as? Bool, true)
        let close = try json(.close, [0x03, 0xE8] + Array("bye".utf8))
        XCTAssertEqual(close["code"] as? Int, 1000)
        XCTAssertEqual(close["reason"] as? String, "bye")
        XCTAssertNil(try json(.close, [])["code"], "a close without a code")
    }

    func testEndpointSummariesSplitIntoSourceAndMode() throws {
        XCTAssertEqual(ConsoleJSON.describe("built-in echo").source, "built-in")
        XCTAssertEqual(ConsoleJSON.describe("handlers/count.sh").mode, "one process per connection")
        XCTAssertEqual(ConsoleJSON.describe("handlers/room.sh (broadcast: one process for all clients) (json messages)").mode,
                       "broadcast: one process for all clients; json messages")
        XCTAssertEqual(ConsoleJSON.describe("handlers/x.sh — cannot run: it is not executable").source, "handlers/x.sh")
        let listed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ConsoleJSON.endpoints([
            (path: "/count", summary: "handlers/count.sh"), (path: "/count.sh", summary: "handlers/count.sh"), (path: "/echo", summary: "built-in echo"),
        ]).utf8)) as? [[String: Any]])
        XCTAssertEqual(listed.map { $0["path"] as? String }, ["/count", "/echo"])
        XCTAssertEqual(listed.first?["also"] as? String, "/count.sh")
    }

    func testHistoryKeepsTheLastFramesOfEachConnectionAndTheLastClosedConnections() {
        var history = ConsoleHistory(limit: 2)
        func frame(_ id: Int, _ n: Int) -> SocketEvent {
            .frame(SocketEvent.Frame(id: id, inbound: true, kind: .text, size: 1, preview: ByteBuffer(), at: Date()))
        }
        history.record(.opened(SocketEvent.Opened(id: 1, path: "/a", endpoint: "e", remote: "r", origin: nil, subprotocol: nil, deflate: false, at: Date())), json: "open1")
        for n in 1...5 { history.record(frame(1, n), json: "f1.\(n)") }
        history.record(frame(2, 1), json: "f2.1")
        history.record(.refused(SocketEvent.Refused(path: "/x", remote: "r", origin: nil, status: 404, reason: "no", at: Date())), json: "refused")
        XCTAssertEqual(history.replay(), ["open1", "f1.4", "f1.5", "f2.1", "refused"])

        for id in 100..<(100 + ConsoleHistory.closedKept + 5) {
            history.record(frame(id, 1), json: "f\(id)")
            history.record(.closed(id: id, summary: "1000 by client", at: Date()), json: "c\(id)")
        }
        let replay = history.replay()
        XCTAssertFalse(replay.contains("c100"), "the oldest closed connections are forgotten")
        XCTAssertTrue(replay.contains("c\(100 + ConsoleHistory.closedKept + 4)"))
        XCTAssertEqual(replay.filter { $0.hasPrefix("c") }.count, ConsoleHistory.closedKept)
        XCTAssertTrue(replay.contains("open1"), "open connections are kept whatever closes")
    }

    func testTheConsoleIsForThisMachineOrTheToken() {
        let access = ConsoleAccess(token: "abc123")
        XCTAssertTrue(access.allows(address: "127.0.0.1", presented: nil))
        XCTAssertTrue(access.allows(address: "127.8.0.1", presented: nil))
        XCTAssertTrue(access.allows(address: "::1", presented: nil))
        XCTAssertTrue(access.allows(address: "::ffff:127.0.0.1", presented: nil))
        XCTAssertFalse(access.allows(address: "192.0.2.7", presented: nil))
        XCTAssertFalse(access.allows(address: "192.0.2.7", presented: "abc12"))
        XCTAssertFalse(access.allows(address: "192.0.2.7", presented: "abc124"))
        XCTAssertTrue(access.allows(address: "192.0.2.7", presented: "abc123"))
        XCTAssertNotEqual(ConsoleAccess().token, ConsoleAccess().token)
        XCTAssertEqual(ConsoleAccess().token.count >= 24, true)
    }

    func testTheBannerGivesTheTokenOnlyWhereOtherDevicesCanReachTheServer() {
        func lines(_ host: String?, lan: Bool = false) -> String {
            ConsoleBanner.lines(port: 9998, host: host, lan: lan, token: "t0k", networkAddresses: { ["192.0.2.7"] }).joined(separator: "\n")
        }
        XCTAssertTrue(lines(nil).contains("console: http://localhost:9998/__wsdev/"))
        XCTAssertFalse(lines(nil).contains("t0k"))
        XCTAssertTrue(lines("127.0.0.1").contains("console: http://127.0.0.1:9998/__wsdev/"))
        XCTAssertFalse(lines("::1").contains("t0k"))
        XCTAssertTrue(lines(nil, lan: true).contains("http://192.0.2.7:9998/__wsdev/?token=t0k"))
        XCTAssertTrue(lines("0.0.0.0").contains("http://192.0.2.7:9998/__wsdev/?token=t0k"))
        XCTAssertTrue(lines("0.0.0.0").contains("console: http://localhost:9998/__wsdev/"))
        XCTAssertEqual(lines("192.0.2.9"), "  console from another device: http://192.0.2.9:9998/__wsdev/?token=t0k   (keep the token to yourself)",
                       "listening on one network address, localhost does not reach it")
    }

    func testWatchersGetOnlyWhatTheyAskedFor() {
        let events = SocketEvents()
        let seen = Mutex<[String]>([])
        let problems = events.watch(.problems) { event in seen.withLock { $0.append("\(event)".prefix(6).description) } }
        XCTAssertFalse(events.isWatched(.frames))
        XCTAssertTrue(events.isWatched(.problems))
        var built = false
        events.publish(.frames, { built = true; return .closed(id: 1, summary: "", at: Date()) }())
        XCTAssertFalse(built, "a frame event was built although nobody watches frames")
        events.publish(.problems, .refused(SocketEvent.Refused(path: "/x", remote: "r", origin: nil, status: 404, reason: "no", at: Date())))
        XCTAssertEqual(seen.withLock { $0 }, ["refuse"])
        let all = events.watch(.all) { _ in }
        XCTAssertTrue(events.isWatched(.frames))
        events.stopWatching(all)
        events.stopWatching(problems)
        XCTAssertFalse(events.isWatched(.frames) || events.isWatched(.lifecycle) || events.isWatched(.problems))
    }
}
