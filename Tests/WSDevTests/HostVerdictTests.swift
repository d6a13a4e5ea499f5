import XCTest

@testable import WSDevKit

/// `AllowedHosts` on the Host values a browser, a script or an attacker may send; and the escaping
/// that keeps them harmless in the log. (Over real sockets: `AllowedHostsTests`.)
final class HostVerdictTests: XCTestCase {
    func testLocalNamesAndAddressesPassWithoutBeingGiven() {
        let hosts = AllowedHosts()
        for host in [
            "localhost", "localhost:9998", "LOCALHOST:1", "localhost.:9998", "app.localhost:3000", "a.b.localhost",
            "127.0.0.1:9998", "10.0.0.7", "255.255.255.255:80", "[::1]:9998", "[::1]", "[::ffff:192.168.1.5]:9998", "[FE80::1]", "localhost:",
        ] {
            XCTAssertEqual(hosts.verdict(host), .allowed, host)
        }
    }

    func testOtherNamesAreForeignAndBrokenValuesInvalid() {
        let hosts = AllowedHosts()
        for host in ["evil.example:9998", "localhost.evil.example", "evillocalhost", "256.1.1.1", "1.2.3", "1.2.3.4.5", "0x7f.0.0.1", "x"] {
            XCTAssertEqual(hosts.verdict(host), .foreign, host)
        }
        for host in ["", ":9998", "evil.example:99a", "a b", "[::1", "[evil.example]", "::1", "[::1]x", "évil.example", "evil\u{85}.example", "a/b", "user@localhost"] {
            XCTAssertEqual(hosts.verdict(host), .invalid, host)
        }
    }

    func testGivenNamesAndDomains() {
        let hosts = AllowedHosts(["Evil.Example.", ".example.com"])
        for host in ["evil.example:9998", "EVIL.EXAMPLE", "evil.example.", "example.com", "a.example.com:1", "b.a.example.com"] {
            XCTAssertEqual(hosts.verdict(host), .allowed, host)
        }
        for host in ["sub.evil.example", "notexample.com", "example.com.evil.test", "example.co"] {
            XCTAssertEqual(hosts.verdict(host), .foreign, host)
        }
        XCTAssertEqual(AllowedHosts(["any"]).verdict("anything.at.all:1"), .allowed)
        XCTAssertEqual(AllowedHosts(["any"]).verdict("a b"), .invalid, "any lifts the name check, not HTTP's syntax")
    }

    func testRefusalsSayWhichFlagAllowsTheName() throws {
        let refusal = try XCTUnwrap(AllowedHosts().refusal(.one("Evil.Example.:9998")))
        XCTAssertEqual(refusal.status, .forbidden)
        XCTAssertTrue(refusal.message.contains("--allowed-host evil.example "), refusal.message)
        XCTAssertEqual(AllowedHosts().refusal(.none)?.status, .badRequest)
        XCTAssertEqual(AllowedHosts().refusal(.many)?.status, .badRequest)
        XCTAssertNil(AllowedHosts().refusal(.one("localhost:9998")))
    }

    func testAllowedHostValuesMustBeNames() {
        for good in ["evil.example", ".example.com", "any", "my-box.local"] {
            XCTAssertNil(AllowedHosts.problem(with: good), good)
        }
        let url = AllowedHosts.problem(with: "https://user@Evil.Example:8443/path")
        XCTAssertTrue(url?.contains("--allowed-host evil.example ") == true, url ?? "accepted")
        XCTAssertNotNil(AllowedHosts.problem(with: "evil.example:9998"))
        XCTAssertNotNil(AllowedHosts.problem(with: ""))
    }

    func testLoggableEscapesControlCharactersOnly() {
        XCTAssertEqual("GET /a.txt © ü".loggable, "GET /a.txt © ü")
        XCTAssertEqual("a\u{1B}[2Jb\u{9B}c\u{85}d\ne\u{7F}".loggable, #"a\u{1B}[2Jb\u{9B}c\u{85}d\u{A}e\u{7F}"#)
    }
}
