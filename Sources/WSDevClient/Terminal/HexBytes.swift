/// `--binary` messages as hexadecimal: readable byte by byte, and `xxd -r -p` reads it back.
/// Input may separate the pairs with spaces, colons or nothing (`48 69`, `48:69`, `4869`).
enum HexBytes {
    static func parse(_ text: String) -> [UInt8]? {
        let digits = text.utf8.filter { $0 != 0x20 && $0 != 0x09 && $0 != UInt8(ascii: ":") }
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func format(_ bytes: some Collection<UInt8>, separator: String = " ") -> String {
        let digits = Array("0123456789abcdef".utf8)
        return bytes.map { String(decoding: [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]], as: UTF8.self) }.joined(separator: separator)
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
