import NIOCore
import XCTest

@testable import WSDevKit

/// Which client addresses count toward `--max-connections-per-address`: loopback clients (this
/// machine's browsers and tools) never do, whatever form the address takes.
final class ConnectionLimitsTests: XCTestCase {
    func testLoopbackAddressesInEveryForm() throws {
        for address in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "::ffff:127.9.8.7"] {
            XCTAssertTrue(ConnectionLimits.isLoopback(try SocketAddress(ipAddress: address, port: 1)), address)
        }
    }

    func testOtherAddressesAreCounted() throws {
        for address in ["10.0.0.7", "192.168.1.5", "128.0.0.1", "126.255.255.255", "::2", "::", "::ffff:192.168.1.5", "::ffff:128.0.0.1", "fe80::1", "1::1", "::127.0.0.1"] {
            XCTAssertFalse(ConnectionLimits.isLoopback(try SocketAddress(ipAddress: address, port: 1)), address)
        }
    }
}
