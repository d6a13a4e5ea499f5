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

    /// RFC 8259 string: quotes, backslashes and control characters escaped; the rest as UTF-8.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    /// A number with at most three decimals, as JSON and people read it: 0.412, 12, 3.5.
    init(format3 number: Double) {
        let rounded = (number * 1000).rounded() / 1000
        self = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
