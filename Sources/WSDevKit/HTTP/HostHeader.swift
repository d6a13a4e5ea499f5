/// A `Host` header's value (RFC 9110 §7.2: `uri-host [ ":" port ]`) read on its bytes, because
/// every request is checked: what it names, without the port.
enum HostHeader {
    enum Named {
        /// An IPv4 or bracketed IPv6 literal: no DNS lookup stands behind it, so it cannot be rebound.
        case address
        /// A registered name (case as sent, a trailing dot dropped), which DNS may point anywhere.
        case name(Slice<UnsafeBufferPointer<UInt8>>)
    }

    /// What `bytes` name, or nil when they are not a host with an optional port.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Named? {
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), isPort(bytes[(close + 1)...]) else { return nil }
            let inside = bytes[1..<close]
            // Brackets hold only IP literals (RFC 3986 §3.2.2); browsers send no zone identifiers.
            guard inside.contains(UInt8(ascii: ":")), inside.allSatisfy(isIPv6Byte) else { return nil }
            return .address
        }
        let colon = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.endIndex
        guard isPort(bytes[colon...]) else { return nil }
        var name = bytes[..<colon]
        // `localhost.` is `localhost`, as the resolver reads it.
        if name.last == UInt8(ascii: ".") { name = name.dropLast() }
        guard !name.isEmpty, name.allSatisfy(isNameByte) else { return nil }
        return isIPv4(name) ? .address : .name(name)
    }

    /// Empty, or `:` and decimal digits.
    private static func isPort(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = bytes.first else { return true }
        return first == UInt8(ascii: ":") && bytes.dropFirst().allSatisfy(isDigit)
    }

    /// Dotted decimal, four parts of 0-255: the only form browsers send (they rewrite `127.1`).
    private static func isIPv4(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var parts = 0
        var value = 0
        var digits = 0
        for byte in name {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                parts += 1
                (value, digits) = (0, 0)
            } else {
                guard isDigit(byte), digits < 3 else { return false }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return false }
            }
        }
        return parts == 3 && digits > 0
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isIPv6Byte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
    }

    /// RFC 3986 reg-name: unreserved, sub-delims and `%`. Browsers send international names as
    /// punycode, so anything beyond ASCII is not a host.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="): true
        default: false
        }
    }
}
