/// Case-insensitive comparison of header names, tokens and hosts, on bytes:
/// `lowercased()` allocated a string for every name and value the handshake looked at, which
/// short WebSockets paid for on every connection.
package enum ASCIICase {
    /// Whether `a` and `b` are the same bytes, ASCII letters in either case.
    package static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        same(a, b)
    }

    private static func same(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        // Strings and their slices lend their bytes: walking them through their indices costs
        // dozens of instructions a byte.
        let lent = a.withContiguousStorageIfAvailable { a in
            b.withContiguousStorageIfAvailable { b in a.elementsEqual(b, by: sameLetter) }
        }
        if let lent, let result = lent { return result }
        return a.elementsEqual(b, by: sameLetter)
    }

    private static func utf8(_ text: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }

    /// An upper-case letter is its lower case less 0x20; setting 0x20 matches only letters.
    private static func sameLetter(_ x: UInt8, _ y: UInt8) -> Bool {
        x == y || (x | 0x20 == y | 0x20 && (0x61...0x7A).contains(x | 0x20))
    }

    /// Whether `bytes`, read case-insensitively, are `lower`.
    package static func equals(_ bytes: some Collection<UInt8>, _ lower: StaticString) -> Bool {
        equals(bytes, utf8(lower))
    }

    /// Whether `text` is `lower`, ignoring case.
    package static func equals(_ text: some StringProtocol, _ lower: StaticString) -> Bool {
        equals(text.utf8, lower)
    }

    // The generic forms, called from another module, run unspecialised: a walk through a
    // protocol's witnesses for every byte. These concrete ones, the server's per-request header
    // checks, are specialised here (Benchmarks/README, "What limits wsdev", 8).

    /// Whether the string `text` is `lower`, ignoring case.
    package static func equals(_ text: String, _ lower: StaticString) -> Bool {
        equals(text.utf8, lower)
    }

    /// Whether the substring `text` is `lower`, ignoring case.
    package static func equals(_ text: Substring, _ lower: StaticString) -> Bool {
        equals(text.utf8, lower)
    }

    /// Whether part of a string's bytes (an Origin's scheme or host) are `lower`, ignoring case.
    package static func equals(_ bytes: Substring.UTF8View, _ lower: StaticString) -> Bool {
        same(bytes, utf8(lower))
    }

    /// Whether part of a string's bytes are the bytes of `other`, ignoring case.
    package static func equals(_ bytes: Substring.UTF8View, _ other: String.UTF8View) -> Bool {
        same(bytes, other)
    }

    /// Whether part of a Host header's bytes are `lower`, ignoring case.
    package static func equals(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ lower: StaticString) -> Bool {
        same(bytes, utf8(lower))
    }

    /// Whether part of a Host header's bytes are `other`'s, ignoring case.
    package static func equals(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        same(bytes, other)
    }

    /// Whether part of a Host header's bytes are the bytes of `other`, ignoring case.
    package static func equals(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ other: String.UTF8View) -> Bool {
        same(bytes, other)
    }
}
