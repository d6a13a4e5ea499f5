import Foundation
import XCTest

/// The CLI contract: startup errors, defaults, signals, help.
final class CommandLineTests: XCTestCase {
    /// Runs wsdev to completion (bounded) and returns its exit status and output.
    func run(_ arguments: [String], timeout: TimeInterval = patience) throws -> (status: Int32, output: String, seconds: TimeInterval) {
        try runWsdev(arguments, timeout: timeout)
    }

    /// Holds a listening socket on 127.0.0.1, as another program would.
    func occupyPort(_ wanted: Int = 0) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(wanted).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            let code = errno
            close(fd)
            throw TCPConnection.Failure(description: "could not occupy port \(wanted) for the test (errno \(code))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    func testBusyPortFailsAtOnceWithAdvice() throws {
        let site = try SiteFixture(files: ["index.html": "x"])
        let (fd, port) = try occupyPort()
        defer { close(fd) }
        let result = try run(["serve", site.root.path, "--port", String(port)])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertLessThan(result.seconds, 5)
        XCTAssertTrue(result.output.contains("port \(port)"), result.output)
        XCTAssertTrue(result.output.contains("--port auto picks a free one"), result.output)
        XCTAssertFalse(result.output.contains("Ctrl-C stops"), "no banner without a listening socket")
        // The port suggested was free when wsdev looked: it still is, so it can be taken.
        let match = try XCTUnwrap(result.output.range(of: #"--port (\d+) is free now"#, options: .regularExpression), result.output)
        let suggested = try XCTUnwrap(Int(result.output[match].split(separator: " ")[1]))
        XCTAssertGreaterThan(suggested, port)
        let taken = try occupyPort(suggested)
        close(taken.fd)
    }

    func testAnOriginWithoutSchemeIsRefusedWithTheRightForm() throws {
        let site = try SiteFixture(files: ["index.html": "x"])
        let bare = try run(["serve", site.root.path, "--port", "0", "--origin", "example.com"])
        XCTAssertNotEqual(bare.status, 0)
        XCTAssertTrue(bare.output.contains("--origin example.com has no scheme") && bare.output.contains("--origin https://example.com"), bare.output)
        let path = try run(["serve", site.root.path, "--port", "0", "--origin", "https://example.com/app/"])
        XCTAssertTrue(path.output.contains("an origin has no path; give --origin https://example.com"), path.output)
        let fine = try ServerProcess(root: site.root.path, arguments: ["--origin", "https://example.com/"])
        defer { _ = fine.stop() }
        let (socket, reply) = try RawWebSocket.handshake(port: fine.port, headers: ["Origin": "https://example.com"])
        XCTAssertNotNil(socket, "the origin allowed is the one meant: \(reply.status)")
    }

    /// wsdev listens once per event loop with SO_REUSEPORT; a second wsdev must still be told the
    /// port is taken rather than quietly share it and take half of the first one's connections.
    func testASecondWsdevOnTheSamePortIsRefused() throws {
        let site = try SiteFixture(files: ["index.html": "first"])
        let first = try ServerProcess(root: site.root.path, arguments: ["--no-reload"])
        defer { _ = first.stop() }
        let other = try SiteFixture(files: ["index.html": "second"])
        let result = try run(["serve", other.root.path, "--port", String(first.port), "--host", "127.0.0.1", "--no-reload"])
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("already in use"), result.output)
        for _ in 0..<20 {
            XCTAssertEqual(try RawHTTP.get("/", port: first.port).text, "first", "every connection reaches the first server")
        }
    }

    func testThreadsGivesEachEventLoopItsOwnListeningSocket() throws {
        let site = try SiteFixture(files: ["index.html": "x"])
        let server = try ServerProcess(root: site.root.path, arguments: ["--no-reload", "--threads", "3"])
        defer { _ = server.stop() }
        // /proc/net/tcp: local address as hex "0100007F:PORT", state 0A = LISTEN.
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let listening = table.split(separator: "\n").filter {
            let fields = $0.split(separator: " ")
            return fields.count > 3 && fields[1].hasSuffix(String(format: ":%04X", server.port)) && fields[3] == "0A"
        }
        XCTAssertEqual(listening.count, 3, table)
        for _ in 0..<12 { XCTAssertEqual(try RawHTTP.get("/", port: server.port).text, "x") }

        let wrong = try run(["serve", site.root.path, "--threads", "0"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.output.contains("--threads 0 is out of range"), wrong.output)
    }

    func testAHandlerTimeoutOutOfRangeIsExplained() throws {
        let site = try SiteFixture(files: ["index.html": "x"])
        let wrong = try run(["serve", site.root.path, "--handler-timeout", "0"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.output.contains("--handler-timeout 0.0 is out of range: give seconds between 0.1 and 86400"), wrong.output)
    }

    func testDefaultPortIs9998() throws {
        let site = try SiteFixture(files: ["index.html": "x"])
        // Whether this test holds 9998 or something else already does, wsdev must name 9998.
        let held = try? occupyPort(9998)
        defer { if let held { close(held.fd) } }
        let result = try run(["serve", site.root.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("port 9998"), result.output)
    }

    func testMissingOrFileRootFailsWithAdvice() throws {
        let missing = try run(["serve", "/nonexistent/wsdev-root", "--port", "0"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.output.contains("does not exist"), missing.output)
        let site = try SiteFixture(files: ["file.txt": "x"])
        let file = try run(["serve", site.root.appendingPathComponent("file.txt").path, "--port", "0"])
        XCTAssertEqual(file.status, 1)
        XCTAssertTrue(file.output.contains("is a file, not a folder"), file.output)
    }

    func testSigtermClosesWebSocketsWith1001AndExitsWithinASecond() throws {
        for signal in [SIGTERM, SIGINT] {
            let site = try SiteFixture(files: ["index.html": "x"])
            let server = try ServerProcess(root: site.root.path)
            let socket = try RawWebSocket.open(port: server.port)
            try socket.send(text: "hello")
            XCTAssertEqual(try socket.receiveMessage().text, "hello")
            let stopped = server.stop(signal: signal)
            XCTAssertEqual(stopped.status, 0, "signal \(signal)")
            XCTAssertLessThan(stopped.seconds, 1.0, "signal \(signal)")
            let close = try socket.receiveMessage()
            XCTAssertEqual(close.opcode, RawWebSocket.close)
            XCTAssertEqual(close.closeCode, 1001, "signal \(signal)")
        }
    }

    func testSigtermLetsAnInFlightResponseFinish() throws {
        let site = try SiteFixture(files: ["index.html": "x"])
        // With a small receive buffer most of it is still in the server when the signal arrives;
        // 3 MiB reads well inside the one-second shutdown budget even on a busy machine.
        let big = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try site.write("big.bin", big)
        let server = try ServerProcess(root: site.root.path)
        let connection = try TCPConnection(port: server.port, receiveBuffer: 32 << 10)
        try connection.send("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let head = try connection.read(until: Array("\r\n\r\n".utf8))
        XCTAssertTrue(String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        _ = try connection.read(count: 4096)  // the download is under way
        kill(server.process.processIdentifier, SIGTERM)
        let rest = try connection.read(count: big.count - 4096)
        XCTAssertEqual(Data(rest), big.suffix(big.count - 4096), "the in-flight download completes intact")
        let stopped = server.stop()
        XCTAssertEqual(stopped.status, 0)
    }

    func testDefaultHostIsLoopbackOnBothFamilies() throws {
        let site = try SiteFixture(files: ["index.html": "both"])
        let server = try ServerProcess(root: site.root.path, arguments: ["--no-reload"], host: nil)
        defer { _ = server.stop() }
        XCTAssertTrue(server.log.contains("http://localhost:\(server.port)/"), server.log)
        let v4 = try TCPConnection(port: server.port, host: "127.0.0.1")
        try v4.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: v4).text, "both")
        guard server.log.contains("[::1]") else {
            throw XCTSkip("this machine has no IPv6 loopback")
        }
        let v6 = try TCPConnection(port: server.port, host: "::1")
        try v6.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: v6).text, "both")
    }

    func testPywebsocketStyleFlagsAreAccepted() throws {
        let site = try SiteFixture(files: ["index.html": "via -d"])
        let viaD = try ServerProcess(commandLine: ["serve", "-d", site.root.path, "-p", "0", "-H", "127.0.0.1", "-w", site.root.path, "--quiet", "--no-reload"])
        defer { _ = viaD.stop() }
        let reply = try RawHTTP.get("/", port: viaD.port)
        XCTAssertEqual(reply.text, "via -d")
        XCTAssertFalse(viaD.log.contains("GET / 200"), "--quiet prints no access log")
    }

    func testHelpAndVersion() throws {
        let help = try run(["serve", "--help"])
        XCTAssertEqual(help.status, 0)
        for word in ["--port", "--host", "--document-root", "--handlers", "--no-reload", "--no-deflate", "--quiet", "Examples"] {
            XCTAssertTrue(help.output.contains(word), "help lacks \(word)")
        }
        let version = try run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.output.contains("0."), version.output)
    }
}
