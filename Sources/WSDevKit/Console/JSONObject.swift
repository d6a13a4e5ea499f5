/// A JSON object written field by field: the console's events are small and flat, and building
/// them as text avoids a Codable type per event on a path that runs for every frame while a
/// console is open.
struct JSONObject {
    private var text = "{"

    init() {}

    init(type: String) {
        add("t", type)
    }

    mutating func add(_ key: String, _ value: String?) {
        field(key, value.map(Self.quoted) ?? "null")
    }

    mutating func add(_ key: String, _ value: Int) { field(key, String(value)) }

    mutating func add(_ key: String, _ value: Bool) { field(key, value ? "true" : "false") }

    /// A value that is already JSON (an array, another object).
    mutating func add(_ key: String, json: String) { field(key, json) }

    private mutating func field(_ key: String, _ value: String) {
        if text.count > 1 { text += "," }
        text += Self.quoted(key) + ":" + value
    }

    var json: String { text + "}" }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped, and U+2028
    /// and U+2029 too, which some JavaScript parsers take for line ends.
    static func quoted(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
