import NIOCore
import XCTest

@testable import WSWire

/// The wire format's pieces, on their own: frame headers both ways, and UTF-8 checked whole and
/// piece by piece.
final class FrameHeaderTests: XCTestCase {
    private func parse(_ bytes: [UInt8], max: Int = 1 << 20) -> FrameHeader.Parsed {
        FrameHeader.parse(ByteBuffer(bytes: bytes), maxPayload: max)
    }

    func testTheThreeLengthEncodingsAndTheMaskAreRead() throws {
        guard case .frame(let small) = parse([0x81, 0x85, 1, 2, 3, 4]) else { return XCTFail() }
        XCTAssertTrue(small.fin)
        XCTAssertEqual(small.opcode, FrameHeader.text)
        XCTAssertEqual(small.payloadLength, 5)
        XCTAssertEqual(small.length, 6)
        XCTAssertEqual(small.maskKey, SIMD4(1, 2, 3, 4))
        guard case .frame(let medium) = parse([0x02, 0x7E, 0x01, 0x00]) else { return XCTFail() }
        XCTAssertFalse(medium.fin)
        XCTAssertEqual(medium.payloadLength, 256)
        XCTAssertNil(medium.maskKey)
        guard case .frame(let large) = parse([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0]) else { return XCTFail() }
        XCTAssertEqual(large.payloadLength, 65536)
        XCTAssertEqual(large.length, 10)
    }

    func testReservedBitsAndControlFramesAreReported() throws {
        guard case .frame(let header) = parse([0xC9, 0x00]) else { return XCTFail() }
        XCTAssertEqual(header.reservedBits, 0x40)
        XCTAssertTrue(header.isControl)
    }

    func testAHeaderCutShortWaitsAndAnOversizedOneIsSaidAtOnce() {
        for cut in [[0x81], [0x81, 0xFE, 0x01], [0x81, 0xFF, 0, 0, 0], [0x81, 0x85, 1, 2]] as [[UInt8]] {
            guard case .needMore = parse(cut) else { return XCTFail("\(cut)") }
        }
        guard case .tooLong(let length) = parse([0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], max: 1 << 20) else { return XCTFail() }
        XCTAssertEqual(length, UInt64(Int64.max))
    }

    func testWrittenHeadersReadBack() throws {
        for (length, compressed) in [(0, false), (125, true), (126, false), (65535, false), (65536, true)] {
            var buffer = ByteBuffer()
            buffer.writeFrameHeader(opcode: FrameHeader.binary, length: length, maskKey: 0x0403_0201, compressed: compressed)
            guard case .frame(let header) = FrameHeader.parse(buffer, maxPayload: 1 << 20) else { return XCTFail("\(length)") }
            XCTAssertEqual(header.payloadLength, length)
            XCTAssertEqual(header.length, buffer.readableBytes)
            XCTAssertEqual(header.reservedBits, compressed ? 0x40 : 0)
            XCTAssertEqual(header.maskKey, SIMD4(1, 2, 3, 4))
        }
    }
}

final class UTF8CheckTests: XCTestCase {
    private func valid(_ bytes: [UInt8]) -> Bool { ByteBuffer(bytes: bytes).isValidUTF8 }

    func testWholeTextIsCheckedAsTheStandardLibraryWould() {
        let samples: [[UInt8]] = [
            Array("plain ASCII, long enough to take the 32-byte steps and then some".utf8),
            Array("caf\u{E9} \u{1F600} \u{4E2D}".utf8), [0xED, 0x9F, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80], [0xE2, 0x82],
            Array(repeating: 0x41, count: 40) + [0xC3],
        ]
        for bytes in samples {
            XCTAssertEqual(valid(bytes), String(validating: bytes, as: UTF8.self) != nil, "\(bytes.suffix(4))")
        }
    }

    func testTextCheckedPieceByPieceAgreesWhereverItIsCut() {
        let text = Array("\u{1F600} caf\u{E9} \u{4E2D}\u{6587}".utf8)
        for cut in 0...text.count {
            var stream = UTF8Stream()
            let first = text[..<cut].withUnsafeBytes { stream.accept($0) }
            let second = text[cut...].withUnsafeBytes { stream.accept($0) }
            XCTAssertTrue(first && second && stream.endsOnWholeCharacter, "cut at \(cut)")
        }
        var cutShort = UTF8Stream()
        XCTAssertTrue(text.prefix(2).withUnsafeBytes { cutShort.accept($0) })
        XCTAssertFalse(cutShort.endsOnWholeCharacter, "a character cut off at the end is not whole")
        var invalid = UTF8Stream()
        XCTAssertFalse([0xF0, 0x28].withUnsafeBytes { invalid.accept($0) }, "refused as soon as it cannot be valid")
    }
}
