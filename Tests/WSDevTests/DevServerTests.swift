import Foundation
import XCTest
@testable import WSDevKit

/// The dev-server conveniences against the real binary: --spa, --header, --cors, --coi, --open,
/// --lan, --port auto. (Cross-origin behaviour in a browser: `DevServerBrowserTests`.)
final class DevServerTests: XCTestCase {
    static let index = "<!DOCTYPE html><html><body>app shell</body></html>"

    var site: SiteFixture!

    override func setUpWithError() throws {
        site = try SiteFixture(files: ["index.html": Self.index, "data.json": "{}", "list/a.txt": "a"])
    }

    /// Runs wsdev to completion (bounded) for flags that must fail at once.
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testSPAGivesUnknownHTMLRequestsTheIndex() throws {
        let server = try ServerProcess(root: site.root.path, arguments: ["--spa", "--no-reload"])
        let html = ["Accept": "text/html,application/xhtml+xml,*/*;q=0.8"]
        let route = try RawHTTP.get("/app/settings?tab=2", port: server.port, headers: html)
        XCTAssertEqual(route.status, 200)
        XCTAssertEqual(route.text, Self.index)
        XCTAssertEqual(try RawHTTP.get("/data.json", port: server.port, headers: html).text, "{}", "real files still win")
        XCTAssertEqual(try RawHTTP.get("/list/", port: server.port, headers: html).status, 200, "folders still list")
        XCTAssertEqual(try RawHTTP.get("/missing.js", port: server.port, headers: ["Accept": "*/*"]).status, 404)
        XCTAssertEqual(try RawHTTP.get("/app/settings", port: server.port).status, 404, "no Accept, no fallback")
        // An unsafe path gets the app shell at most, never what lies outside the root.
        XCTAssertEqual(try RawHTTP.get("/../etc/passwd", port: server.port, headers: html).text, Self.index)

        let plain = try ServerProcess(root: site.root.path, arguments: ["--no-reload"])
        XCTAssertEqual(try RawHTTP.get("/app/settings", port: plain.port, headers: html).status, 404, "off by default")
    }

    func testCustomHeadersGoOnEveryAnswer() throws {
        let server = try ServerProcess(root: site.root.path, arguments: [
            "--header", "X-Frame-Options: DENY", "--header", "Cache-Control:max-age=60", "--header", "X-Twice: 1", "--header", "X-Twice: 2",
        ])
        let file = try RawHTTP.get("/data.json", port: server.port)
        let etag = try XCTUnwrap(file[header: "ETag"])
        let answers = [
            file, try RawHTTP.get("/", port: server.port), try RawHTTP.get("/list/", port: server.port),
            try RawHTTP.get("/nothing", port: server.port), try RawHTTP.get("/echo", port: server.port),
            try RawHTTP.get("/data.json", port: server.port, headers: ["If-None-Match": etag]),
        ]
        XCTAssertEqual(answers.map(\.status), [200, 200, 200, 404, 426, 304])
        for answer in answers {
            XCTAssertEqual(answer[header: "X-Frame-Options"], "DENY")
            XCTAssertEqual(answer.headers.filter { $0.0.lowercased() == "cache-control" }.map(\.1), ["max-age=60"], "replaces wsdev's own")
            XCTAssertEqual(answer.headers.filter { $0.0.lowercased() == "x-twice" }.map(\.1), ["1", "2"])
        }
    }

    func testMalformedHeadersFailAtStartWithAdvice() throws {
        let cases = [
            ("NoColonHere", "has no colon"),
            ("Bad Name: x", "is not a header name"),
            ("Content-Length: 5", "wsdev sets Content-Length itself"),
        ]
        for (header, advice) in cases {
            let result = try run(["serve", site.root.path, "--port", "0", "--header", header])
            XCTAssertNotEqual(result.status, 0, header)
            XCTAssertTrue(result.output.contains(advice), result.output)
            XCTAssertTrue(result.output.contains("e.g.") || result.output.contains("Leave it out"), result.output)
            XCTAssertFalse(result.output.contains("Ctrl-C stops"), "started anyway:\n\(result.output)")
        }
    }

    func testCORSAddsTheHeaderAndAnswersPreflights() throws {
        let server = try ServerProcess(root: site.root.path, arguments: ["--cors"])
        XCTAssertEqual(try RawHTTP.get("/data.json", port: server.port)[header: "Access-Control-Allow-Origin"], "*")
        let preflight = try RawHTTP.get("/data.json", port: server.port, headers: [
            "Origin": "http://elsewhere.test", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-custom, content-type",
        ], method: "OPTIONS")
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight[header: "Access-Control-Allow-Origin"], "*")
        XCTAssertEqual(preflight[header: "Access-Control-Allow-Methods"], "GET, HEAD, OPTIONS")
        XCTAssertEqual(preflight[header: "Access-Control-Allow-Headers"], "x-custom, content-type")
        XCTAssertNotNil(preflight[header: "Access-Control-Max-Age"])

        let plain = try ServerProcess(root: site.root.path)
        XCTAssertNil(try RawHTTP.get("/data.json", port: plain.port)[header: "Access-Control-Allow-Origin"])
        XCTAssertEqual(try RawHTTP.get("/data.json", port: plain.port, method: "OPTIONS").status, 405)
    }

    func testCOISendsTheIsolationHeaders() throws {
        let server = try ServerProcess(root: site.root.path, arguments: ["--coi"])
        for path in ["/", "/data.json", "/nothing"] {
            let reply = try RawHTTP.get(path, port: server.port)
            XCTAssertEqual(reply[header: "Cross-Origin-Opener-Policy"], "same-origin", path)
            XCTAssertEqual(reply[header: "Cross-Origin-Embedder-Policy"], "require-corp", path)
        }
        let plain = try ServerProcess(root: site.root.path)
        XCTAssertNil(try RawHTTP.get("/", port: plain.port)[header: "Cross-Origin-Opener-Policy"])
    }

    func testOpenHandsTheURLToTheDesktopOpenerAndNeverFails() throws {
        let bin = site.root.deletingLastPathComponent().appendingPathComponent("wsdev-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        let opened = bin.appendingPathComponent("opened.txt")
        let opener = bin.appendingPathComponent("xdg-open")
        func install(_ script: String) throws {
            try Data(script.utf8).write(to: opener)
            XCTAssertEqual(chmod(opener.path, 0o755), 0)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path

        try install("#!/bin/sh\necho \"$@\" > '\(opened.path)'\n")
        let server = try ServerProcess(commandLine: ["serve", site.root.path, "--port", "0", "--open"], environment: environment)
        let deadline = Date().addingTimeInterval(patience)
        // The shell creates the file before `echo` writes into it: wait for the whole line.
        while (try? String(contentsOf: opened, encoding: .utf8))?.hasSuffix("\n") != true, Date() < deadline { usleep(20_000) }
        XCTAssertEqual(try String(contentsOf: opened, encoding: .utf8), "http://localhost:\(server.port)/\n")

        try install("#!/bin/sh\nexit 3\n")
        let failing = try ServerProcess(commandLine: ["serve", site.root.path, "--port", "0", "--open"], environment: environment)
        XCTAssertTrue(failing.waitForLog("xdg-open could not open a browser (exit status 3); open http://localhost:\(failing.port)/ yourself"), failing.log)
        XCTAssertEqual(try RawHTTP.get("/data.json", port: failing.port).status, 200)

        try FileManager.default.removeItem(at: opener)
        let missing = try ServerProcess(commandLine: ["serve", site.root.path, "--port", "0", "--open"], environment: environment)
        XCTAssertTrue(missing.waitForLog("found neither xdg-open nor open on PATH"), missing.log)
        XCTAssertEqual(try RawHTTP.get("/data.json", port: missing.port).status, 200)
    }

    func testLANListensEverywhereAndPrintsEveryURLWithAQRCode() throws {
        let server = try ServerProcess(commandLine: ["serve", site.root.path, "--port", "0", "--lan"])
        XCTAssertTrue(server.log.contains("http://localhost:\(server.port)/"), server.log)
        XCTAssertTrue(server.log.contains("listening on every network interface"), server.log)
        let addresses = NetworkAddresses.lanIPv4()
        guard let first = addresses.first else {
            XCTAssertTrue(server.log.contains("no network address besides loopback"), server.log)
            throw XCTSkip("this machine has no network address besides loopback")
        }
        for address in addresses { XCTAssertTrue(server.log.contains("    http://\(address):\(server.port)/"), server.log) }
        XCTAssertFalse(server.log.contains("http://127.0.0.1"), "loopback is not a LAN URL")

        // The page is reachable on the LAN address, and on loopback of both families.
        let reply = try TCPConnection(port: server.port, host: first)
        try reply.send("GET /data.json HTTP/1.1\r\nHost: \(first)\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try RawHTTP.read(from: reply).text, "{}")
        XCTAssertEqual(try RawHTTP.get("/data.json", port: server.port).text, "{}")
        if let v6 = try? TCPConnection(port: server.port, host: "::1") {
            try v6.send("GET /data.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            XCTAssertEqual(try RawHTTP.read(from: v6).text, "{}")
        }

        // The QR code printed is the first URL's.
        let url = "http://\(first):\(server.port)/"
        let expected = try XCTUnwrap(QRCode(url)).terminalText().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        XCTAssertTrue(server.log.contains("Scan to open \(url):\n" + expected + "\n"), server.log)
    }

    func testLANAndHostTogetherIsAnError() throws {
        let result = try run(["serve", site.root.path, "--lan", "--host", "127.0.0.1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("pick one"), result.output)
    }

    func testPortAutoPicksAFreePortAndPrintsIt() throws {
        let server = try ServerProcess(commandLine: ["serve", site.root.path, "--port", "auto", "--host", "127.0.0.1"])
        XCTAssertNotEqual(server.port, 0)
        XCTAssertTrue(server.log.contains("http://127.0.0.1:\(server.port)/   (listening on 127.0.0.1 port \(server.port))"), server.log)
        XCTAssertEqual(try RawHTTP.get("/data.json", port: server.port).text, "{}")
    }

    func testHelpExplainsEveryDevFlag() throws {
        let help = try run(["serve", "--help"])
        XCTAssertEqual(help.status, 0)
        for flag in ["--poll", "--spa", "--header", "--cors", "--coi", "--open", "--lan", "--no-reload", "'auto'"] {
            XCTAssertTrue(help.output.contains(flag), "help lacks \(flag):\n\(help.output)")
        }
    }


    func testHostEverywherePrintsTheNetworkURLsAndWarns() throws {
        for host in ["0.0.0.0", "::"] {
            let server = try ServerProcess(commandLine: ["serve", site.root.path, "--port", "0", "--host", host])
            defer { _ = server.stop() }
            XCTAssertFalse(server.log.contains("http://0.0.0.0") || server.log.contains("http://[::]"), "not an address to open:\n\(server.log)")
            XCTAssertTrue(server.log.contains("  http://localhost:\(server.port)/"), server.log)
            XCTAssertTrue(server.log.contains("anyone who can reach this machine can open these URLs"), server.log)
            if let first = NetworkAddresses.lanIPv4().first {
                XCTAssertTrue(server.log.contains("    http://\(first):\(server.port)/"), server.log)
                XCTAssertTrue(server.log.contains("Scan to open http://\(first):\(server.port)/"), server.log)
            } else {
                XCTAssertTrue(server.log.contains("no network address besides loopback"), server.log)
            }
        }
    }
}
