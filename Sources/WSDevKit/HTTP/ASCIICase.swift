/// Case-insensitive comparison of header names, tokens and hosts, on bytes:
/// `lowercased()` allocated a string for every name and value the handshake looked at, which
/// short WebSockets paid for on every connection.
enum ASCIICase {
    /// Whether `a` and `b` are the same bytes, ASCII letters in either case.
    static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        // An upper-case letter is its lower case less 0x20; setting 0x20 matches only letters.
        a.count == b.count && a.elementsEqual(b) { x, y in x == y || (x | 0x20 == y | 0x20 && (0x61...0x7A).contains(x | 0x20)) }
    }

    /// Whether `bytes`, read case-insensitively, are `lower`.
    static func equals(_ bytes: some Collection<UInt8>, _ lower: StaticString) -> Bool {
        equals(bytes, UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount))
    }

    /// Whether `text` is `lower`, ignoring case.
    static func equals(_ text: some StringProtocol, _ lower: StaticString) -> Bool {
        equals(text.utf8, lower)
    }
}
