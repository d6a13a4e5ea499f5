/// Case-insensitive comparison of header names, tokens and hosts, on bytes:
/// `lowercased()` allocated a string for every name and value the handshake looked at, which
/// short WebSockets paid for on every connection.
package enum ASCIICase {
    /// Whether `a` and `b` are the same bytes, ASCII letters in either case.
    package static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        // Strings and their slices lend their bytes: walking them through their indices costs
        // dozens of instructions a byte.
        let lent = a.withContiguousStorageIfAvailable { a in
            b.withContiguousStorageIfAvailable { b in a.elementsEqual(b, by: sameLetter) }
        }
        if let lent, let result = lent { return result }
        return a.elementsEqual(b, by: sameLetter)
    }

    /// An upper-case letter is its lower case less 0x20; setting 0x20 matches only letters.
    private static func sameLetter(_ x: UInt8, _ y: UInt8) -> Bool {
        x == y || (x | 0x20 == y | 0x20 && (0x61...0x7A).contains(x | 0x20))
    }

    /// Whether `bytes`, read case-insensitively, are `lower`.
    package static func equals(_ bytes: some Collection<UInt8>, _ lower: StaticString) -> Bool {
        equals(bytes, UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount))
    }

    /// Whether `text` is `lower`, ignoring case.
    package static func equals(_ text: some StringProtocol, _ lower: StaticString) -> Bool {
        equals(text.utf8, lower)
    }
}
