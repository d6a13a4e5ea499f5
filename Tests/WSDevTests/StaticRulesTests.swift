import XCTest

@testable import WSDevKit

/// Range requests and conditional requests, as RFC 9110 defines them, on their own.
final class ByteRangeTests: XCTestCase {
    func testTheThreeFormsOfASingleRange() {
        XCTAssertEqual(ByteRange(header: "bytes=0-99", size: 1000), .partial(0...99))
        XCTAssertEqual(ByteRange(header: "bytes=900-", size: 1000), .partial(900...999))
        XCTAssertEqual(ByteRange(header: "bytes=-100", size: 1000), .partial(900...999))
        XCTAssertEqual(ByteRange(header: " Bytes=10-2000", size: 1000), .partial(10...999), "the end is clipped to the file; the unit in any case")
        XCTAssertEqual(ByteRange(header: "bytes=-5000", size: 1000), .partial(0...999), "a suffix longer than the file is all of it")
    }

    func testUnsatisfiableAndIgnoredRanges() {
        XCTAssertEqual(ByteRange(header: "bytes=1000-", size: 1000), .unsatisfiable)
        XCTAssertEqual(ByteRange(header: "bytes=-0", size: 1000), .unsatisfiable)
        XCTAssertEqual(ByteRange(header: "bytes=0-0", size: 0), .unsatisfiable)
        for ignored in ["items=0-1", "bytes = 0-1", "bytes=0-1,5-6", "bytes=5-1", "bytes=a-b", "bytes=", "bytes=-", "0-1"] {
            XCTAssertEqual(ByteRange(header: ignored, size: 1000), .ignored, ignored)
        }
    }
}

final class PreconditionsTests: XCTestCase {
    private let etag = "\"abc-123\""
    private let modified = 1_700_000_000

    private func notModified(ifNoneMatch: String? = nil, ifModifiedSince: String? = nil) -> Bool {
        Preconditions(ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, ifRange: nil).notModified(etag: etag, modifiedSeconds: modified)
    }

    func testIfNoneMatchComparesWeaklyAndTakesPrecedence() {
        XCTAssertTrue(notModified(ifNoneMatch: etag))
        XCTAssertTrue(notModified(ifNoneMatch: "W/\(etag)"), "weak comparison")
        XCTAssertTrue(notModified(ifNoneMatch: "\"other\", \(etag)"))
        XCTAssertTrue(notModified(ifNoneMatch: "*"))
        XCTAssertFalse(notModified(ifNoneMatch: "\"other\"", ifModifiedSince: "Sun, 06 Dec 2099 00:00:00 GMT"), "If-Modified-Since is not looked at")
    }

    func testIfModifiedSinceComparesWholeSeconds() {
        XCTAssertTrue(notModified(ifModifiedSince: "Tue, 14 Nov 2023 22:13:20 GMT"), "the same second")
        XCTAssertFalse(notModified(ifModifiedSince: "Tue, 14 Nov 2023 22:13:19 GMT"), "a second earlier")
        XCTAssertFalse(notModified(ifModifiedSince: "not a date"))
        XCTAssertFalse(notModified())
    }
}
