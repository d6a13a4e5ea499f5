import XCTest

@testable import WSDevKit
@testable import WSWire

/// The byte-level helpers the handshake relies on, where a string's bytes are lent and where
/// they are not.
final class ByteComparisonTests: XCTestCase {
    func testCaseIsIgnoredForLettersOnly() {
        XCTAssertTrue(ASCIICase.equals("Sec-WebSocket-Key", "sec-websocket-key"))
        XCTAssertTrue(ASCIICase.equals("UPGRADE"[...], "upgrade"), "a substring lends its bytes too")
        XCTAssertFalse(ASCIICase.equals("sec-websocket-kez", "sec-websocket-key"))
        XCTAssertFalse(ASCIICase.equals("upgrade ", "upgrade"), "lengths differ")
        // '@' (0x40) and '`' (0x60) differ by 0x20 as a letter's two cases do, but are not letters.
        XCTAssertFalse(ASCIICase.equals("@", "`"))
        XCTAssertFalse(ASCIICase.equals("[", "{"))
    }

    func testCollectionsThatLendNoBytesCompareTheSame() {
        let reversed = Array("YEK".utf8).reversed()  // no contiguous storage
        XCTAssertNil(reversed.withContiguousStorageIfAvailable { _ in true })
        XCTAssertTrue(ASCIICase.equals(reversed, Array("key".utf8)))
        XCTAssertFalse(ASCIICase.equals(reversed, Array("kez".utf8)))
    }

    func testTargetsSplitAtTheFirstQuestionMark() {
        XCTAssertTrue(RequestTarget.split("/echo") == ("/echo", nil))
        XCTAssertTrue(RequestTarget.split("/echo?") == ("/echo", ""))
        XCTAssertTrue(RequestTarget.split("/é/chat?a=1?b") == ("/é/chat", "a=1?b"))
        XCTAssertTrue(RequestTarget.split("?x") == ("", "x"))
    }
}
