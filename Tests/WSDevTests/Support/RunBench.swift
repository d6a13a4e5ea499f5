import Foundation
import XCTest

/// Runs `wsdev ARGUMENTS…` and returns its standard output; it must exit 0.
func runBench(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let process = Process()
    process.executableURL = ServerProcess.binary
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, file: file, line: line)
    return String(decoding: data, as: UTF8.self)
}
