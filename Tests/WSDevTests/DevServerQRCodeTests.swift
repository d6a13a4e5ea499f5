import Foundation
import XCTest
@testable import WSDevKit

/// The QR code `--lan` prints, checked against two other encoders: `qrencode` (Debian's libqrencode)
/// for every module, and Nayuki's reference encoder (qrcodegen) for the choice of mask.
final class DevServerQRCodeTests: XCTestCase {
    static let shortURL = "http://192.0.2.2:9998/"
    static let longURL = "https://example.com/a/long/path/for/testing/version/seven/and/more/text/here/abcdefghijklmnopqrstuvwxyz/0123456789"

    /// `qrencode -t UTF8 -m 2 -8 -l M URL`, which picked mask 0 for the short URL and 5 for the long one.
    static let short = """
    █████████████████████████████
    ██ ▄▄▄▄▄ █▀▀▄▄▀ █ ▄█ ▄▄▄▄▄ ██
    ██ █   █ ██ ▀▄▀██▄ █ █   █ ██
    ██ █▄▄▄█ █▄▀ ▄▄ █ ▄█ █▄▄▄█ ██
    ██▄▄▄▄▄▄▄█▄▀▄▀▄▀ █▄█▄▄▄▄▄▄▄██
    ██ █▄▀ █▄▀▀▄▄█▀▄ ███▀▀▄██▄▀██
    ███▀█▀█▄▄▀▄ ▄▄▀▀ █ ▀   █▄ ▄██
    ██▄▀▄█▀▀▄▄▀▀▀▀█▄ ▄▄▀  █ █▄ ██
    ██▄▀▀▀▄▀▄  ▀▀▀█▀▄█▄ ▀ ▄▀▄ ▄██
    ██▄███▄█▄▄ ▀▀▀ ▄▄█ ▄▄▄  ▀▀▀██
    ██ ▄▄▄▄▄ ██▄█▄  ▀  █▄█ ▀█  ██
    ██ █   █ █▄▀  ██▄▀  ▄▄ █▀▄▄██
    ██ █▄▄▄█ █▄ ▀▀█▄█ ▀ ██  █▀▄██
    ██▄▄▄▄▄▄▄█▄█▄█▄███▄█▄▄███▄▄██
    █████████████████████████████
    """

    static let version7 = """
    █████████████████████████████████████████████████
    ██ ▄▄▄▄▄ █▀█ ▄██ ▀  █▀▄█  ▀█  ▄█▄  ▄█▀▄█ ▄▄▄▄▄ ██
    ██ █   █ █ ▄▄ ▄  █▀  ████ █ █  ▄▄▄  █ ▀█ █   █ ██
    ██ █▄▄▄█ ██▄█ █▀▀ ▄▀█▄ ▄▄▄ ▀▀▀ ▄▄▄█▀▄▄▄█ █▄▄▄█ ██
    ██▄▄▄▄▄▄▄█ ▀ ▀ █ ▀ █▄█ █▄█ ▀ █ ▀ █ ▀▄█▄█▄▄▄▄▄▄▄██
    ██▄██▀▀▀▄▀▄█▀ ██▀██▄▀█ ▄▄     ▀▄ ▄█▀▀ ▀▄ ▀█ ▄ ███
    ██▀▄▀▀█▀▄▀ ▄▄ ▄█ ██▀ ▄█▀█▀ ▀ ▀ █▀▀▀▀▄█▄   ▀ ▀▄███
    ██▄▄ ▄ ▄▄▄ ▀▄ ▀█ ▀▀▀▄█▄ ▀▄▄▄█▄ ▄▀▀  ▄▀▀▀██▄ █ ▀██
    ███▀▀   ▄▀▀▀█▄▀█▀▄▄▄█▀  ▄▄ ▀ ██ ▀▄▄  ▄▀ ▄██  ▄▀██
    ██▀▀▄▄█ ▄▄ ▀▀▀██▄█▄▄▄▀▀ ▀▀█ █▀▀▄ ▄█▄█▀▀ ▄ ██▀█▀██
    ██▄▄▄▄█▄▄▄▄▀ ▀▀█▄ ▀██ █ █▀ ▄▀▄  ▀  ▄▀▀█▀██ ▀ ▀ ██
    ██▀▀▄▀ ▄▄▄  ▀ ▀▀█▄▀▄▄  ▄▄▄ █▀▀▀  █▀▀▀  ▄▄▄  ▀▄▄██
    ██▀▄   █▄█ ▄█▀ ▀▀▄▀▀   █▄█ ▄▄▄  █▀▀█ ▄ █▄█ ▀ ████
    ██   █▄▄▄▄ ▀ ▀█▀ ▄█  ▀ ▄   █▄▀ ▀▀▀▄ ▄▀▄ ▄▄▄▀▀▄▀██
    ██ ▄█ ▀ ▄██▄▀ █▄▄█▄ ▄▀▄▀▀▀▀▀▄▀▄█▀▄█▄▄▀█ █▄ ▀▀▄███
    ██ ▄▀█  ▄▄▄▄▀▄ ▀ ▄▀█▄▄▀█▀▀▄ ▄ █▄▀▀▀▀████ ▀▄▀█▀▀██
    ██▄███▄█▄ ███████▀▀▄ ▀ ▄▀ ▄▀██ ▀█▀  ▀ █▄ ▄▄▀▀▀ ██
    ██ ▀▄▄▀ ▄▄▄▀▄   ▀▄▄ █ ███▀█▀ ██▀▀ ▀▀ ██▄▀▀ ▄▀▄▄██
    ███▀▀▀ █▄ ▄▀▄▄ ██▄▄▄ ▀▄ █▀▀█ ▄▀█▀  ▄ ▀ ▄▀█▄▀▀████
    ██▄██▄▄█▄█ ▄▀ █ ▄ ▄███ ▄▄▄ █▄▀  ▀  ▄█  ▄▄▄ ▀▀█ ██
    ██ ▄▄▄▄▄ ██▀▄ ▀ ▀▀▄▀▀▄ █▄█ ▀█▄█▄▀▄▄▄   █▄█ ▀ ▄▀██
    ██ █   █ ██▀▀▀▀█▄█▀▀▀█ ▄▄ ▄ ▄▀▀  ▄█▀█ ▄ ▄▄  █ ▀██
    ██ █▄▄▄█ ██▀▄ █▄▄▄█ ▄█▀▀▄█▄▄█   ▀▄▀ ▀█▄ ▄█ ▀▀█▄██
    ██▄▄▄▄▄▄▄█▄█▄▄▄█▄██▄████▄▄▄▄▄▄██▄▄█▄▄▄▄█▄▄█▄█▄███
    █████████████████████████████████████████████████
    """

    func testSymbolsMatchQrencodeModuleForModule() throws {
        let short = try XCTUnwrap(QRCode(Self.shortURL, mask: 0))
        XCTAssertEqual(short.version, 2)
        XCTAssertEqual(short.terminalText(), Self.short + "\n")
        // Version 7 and up also carry version information blocks.
        let long = try XCTUnwrap(QRCode(Self.longURL, mask: 5))
        XCTAssertEqual(long.version, 7)
        XCTAssertEqual(long.terminalText(), Self.version7 + "\n")
    }

    func testMaskIsTheOneWithTheLowestPenaltyAsInTheReferenceEncoder() throws {
        // Masks chosen by qrcodegen 1.8 (Nayuki) for the same data, level M, byte mode.
        let expected: [(String, version: Int, mask: Int)] = [
            (Self.shortURL, 2, 1), ("hi", 1, 2), ("http://192.168.100.200:65535/", 3, 2), ("http://10.0.0.1:8080/", 2, 2), (Self.longURL, 7, 1),
        ]
        for (text, version, mask) in expected {
            let code = try XCTUnwrap(QRCode(text))
            XCTAssertEqual(code.version, version, text)
            XCTAssertEqual(code.mask, mask, text)
        }
    }

    func testCapacityLimits() {
        XCTAssertEqual(QRCode(String(repeating: "a", count: 14))?.version, 1, "version 1-M holds 14 bytes")
        XCTAssertEqual(QRCode(String(repeating: "a", count: 15))?.version, 2)
        XCTAssertEqual(QRCode(String(repeating: "a", count: 180))?.version, 9, "version 9-M holds 180 bytes")
        XCTAssertNil(QRCode(String(repeating: "a", count: 181)))
    }

    /// With zbar installed (Debian's zbar-tools), the printed symbol must decode to the URL.
    func testPrintedSymbolDecodesWithZbar() throws {
        let zbarimg = "/usr/bin/zbarimg"
        guard FileManager.default.isExecutableFile(atPath: zbarimg) else { throw XCTSkip("zbarimg not installed (apt-get install zbar-tools)") }
        for url in [Self.shortURL, Self.longURL] {
            let code = try XCTUnwrap(QRCode(url))
            // A plain PBM, 8 pixels per module, dark on light, with a four-module quiet zone.
            let scale = 8, border = 4, side = (code.size + 2 * border) * scale
            var pbm = "P1\n\(side) \(side)\n"
            for y in 0..<side {
                let row = (0..<side).map { x -> String in
                    let (column, line) = (x / scale - border, y / scale - border)
                    let dark = (0..<code.size).contains(column) && (0..<code.size).contains(line) && code.modules[line][column]
                    return dark ? "1" : "0"
                }
                pbm += row.joined(separator: " ") + "\n"
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("wsdev-qr-\(UUID().uuidString).pbm")
            try Data(pbm.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: zbarimg)
            process.arguments = ["-q", "--raw", file.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let decoded = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(decoded.trimmingCharacters(in: .newlines), url)
        }
    }
}
