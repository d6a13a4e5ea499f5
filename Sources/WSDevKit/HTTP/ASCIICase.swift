import NIOHTTP1

/// Case-insensitive comparison of header names and tokens with a lower-case literal, on bytes:
/// `lowercased()` allocated a string for every name and value the handshake looked at, which
/// short WebSockets paid for on every connection.
enum ASCIICase {
    /// Whether `bytes`, read case-insensitively, are `lower` (a lower-case literal).
    static func equals(_ bytes: some Collection<UInt8>, _ lower: StaticString) -> Bool {
        guard bytes.count == lower.utf8CodeUnitCount else { return false }
        var at = lower.utf8Start
        for byte in bytes {
            let expected = at.pointee
            // A letter matches either case (an upper-case letter is its lower case less 0x20);
            // anything else only itself.
            let matches = (0x61...0x7A).contains(expected) ? byte | 0x20 == expected : byte == expected
            guard matches else { return false }
            at += 1
        }
        return true
    }

    /// Whether `text` is `lower`, ignoring case.
    static func equals(_ text: some StringProtocol, _ lower: StaticString) -> Bool {
        equals(text.utf8, lower)
    }
}

extension HTTPHeaders {
    /// The value of a field that must appear once: `.one` only when it does.
    enum Single {
        case none, one(String), many
    }

    func single(_ lowerName: StaticString) -> Single {
        var found = Single.none
        for (name, value) in self where ASCIICase.equals(name, lowerName) {
            guard case .none = found else { return .many }
            found = .one(value)
        }
        return found
    }
}
