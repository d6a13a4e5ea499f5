import Foundation

/// One `--json` event: an object on one line, fields in the order given.
struct JSONLine {
    enum Value {
        case string(String)
        case number(Double)
        case integer(Int)
        case bool(Bool)
    }

    private var fields: [(String, Value)] = []

    init(event: String) {
        fields.append(("event", .string(event)))
    }

    func with(_ name: String, _ value: Value?) -> JSONLine {
        guard let value else { return self }
        var copy = self
        copy.fields.append((name, value))
        return copy
    }

    var text: String {
        "{" + fields.map { "\(Self.quote($0.0)):\(Self.render($0.1))" }.joined(separator: ",") + "}"
    }

    private static func render(_ value: Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .integer(let number): return String(number)
        case .number(let number): return String(format3: number)
        case .bool(let flag): return flag ? "true" : "false"
        }
    }

    /// A JSON string, by Foundation's encoder (the server's console has its own, tuned for its volume).
    static func quote(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}

extension String {
    /// A number with at most three decimals, as JSON and people read it: 0.412, 12, 3.5.
    init(format3 number: Double) {
        let rounded = (number * 1000).rounded() / 1000
        self = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
