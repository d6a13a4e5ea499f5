/// Standard base64 with padding, for the handshake key and accept values.
package enum Base64 {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// Whether `text` is the base64 of exactly 16 bytes, as a `Sec-WebSocket-Key` must be: 22
    /// characters of the alphabet, then "==".
    package static func isSixteenBytes(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == 24, bytes[22] == UInt8(ascii: "="), bytes[23] == UInt8(ascii: "=") else { return false }
            return bytes[..<22].allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "+"), UInt8(ascii: "/"):
                    return true
                default:
                    return false
                }
            }
        }
    }

    package static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4)
        bytes.withUnsafeBytes { source in out.withUnsafeMutableBytes { encode(source, into: $0) } }
        return out
    }

    /// Writes `(source.count + 2) / 3 * 4` characters to the start of `out`; no allocation,
    /// since churn encodes a key per connection.
    package static func encode(_ source: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        alphabet.withUTF8Buffer { alphabet in
            var index = 0
            var o = 0
            while index < source.count {
                let b0 = UInt32(source[index])
                let b1 = index + 1 < source.count ? UInt32(source[index + 1]) : 0
                let b2 = index + 2 < source.count ? UInt32(source[index + 2]) : 0
                let value = b0 << 16 | b1 << 8 | b2
                out[o] = alphabet[Int(value >> 18 & 63)]
                out[o + 1] = alphabet[Int(value >> 12 & 63)]
                out[o + 2] = index + 1 < source.count ? alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "=")
                out[o + 3] = index + 2 < source.count ? alphabet[Int(value & 63)] : UInt8(ascii: "=")
                index += 3
                o += 4
            }
        }
    }
}
