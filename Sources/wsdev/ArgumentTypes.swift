import ArgumentParser

/// `--port 8080`, or `--port auto` / `--port 0` for any free port.
enum PortOption: ExpressibleByArgument {
    case fixed(Int)

    init?(argument: String) {
        if argument == "auto" { self = .fixed(0); return }
        guard let number = Int(argument), (0...65535).contains(number) else { return nil }
        self = .fixed(number)
    }

    var number: Int {
        switch self { case .fixed(let number): return number }
    }

    static var defaultCompletionKind: CompletionKind { .default }

    var defaultValueDescription: String { number == 0 ? "auto" : String(number) }
}

/// `16M`, `512K`, `1MiB`, `65536`.
struct ByteSize: ExpressibleByArgument {
    let bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text)
        var scale = 1
        if let last = text.last, let unit = units[last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value > 0, value <= (1 << 31) / scale else { return nil }
        bytes = value * scale
    }

    var defaultValueDescription: String { "\(bytes >> 20)M" }
}

import Foundation
