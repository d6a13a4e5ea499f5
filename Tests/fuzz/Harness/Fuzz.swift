import CLibFuzzer

#if canImport(Glibc)
import Glibc
#endif

/// Hands the command line to libFuzzer's driver (`-max_total_time=…`, corpus folders).
@main
enum FuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
    }
}

/// One input for the harness chosen by `WSDEV_FUZZ_TARGET`. One binary holds every harness:
/// building with coverage instrumentation is the slow part, so it is done once, not seven times.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    switch Harness.selected {
    case .requestHead: RequestHeadHarness.run(bytes)
    case .frameHeader: FrameHeaderHarness.run(bytes)
    case .session: SessionHarness.run(bytes, deflate: false)
    case .sessionDeflate: SessionHarness.run(bytes, deflate: true)
    case .range: RangeHarness.run(bytes)
    case .directives: DirectivesHarness.run(bytes)
    case .deflateOffer: DeflateOfferHarness.run(bytes)
    }
    return 0
}

enum Harness: String, CaseIterable {
    case requestHead = "request-head"
    case frameHeader = "frame-header"
    case session
    case sessionDeflate = "session-deflate"
    case range
    case directives
    case deflateOffer = "deflate-offer"

    static let selected: Harness = {
        let names = allCases.map(\.rawValue).joined(separator: ", ")
        guard let value = getenv("WSDEV_FUZZ_TARGET") else { fatalError("set WSDEV_FUZZ_TARGET to one of: \(names)") }
        guard let harness = Harness(rawValue: String(cString: value)) else {
            fatalError("WSDEV_FUZZ_TARGET=\(String(cString: value)) is not a harness; use one of: \(names)")
        }
        return harness
    }()
}

/// An invariant of the code under test; a violation is a crash libFuzzer saves the input for.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}
