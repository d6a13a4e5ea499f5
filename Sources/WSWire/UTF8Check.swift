import NIOCore

extension ByteBuffer {
    /// Whether the readable bytes are well-formed UTF-8 (RFC 6455 §8.1: text messages must be).
    ///
    /// ASCII, by far the most common text, is checked eight bytes a step without copying; only
    /// text with other characters goes through the standard library's validating decoder.
    package var isValidUTF8: Bool {
        withUnsafeReadableBytes { bytes in
            let ascii = UTF8Stream.asciiPrefix(of: bytes)
            if ascii == bytes.count { return true }
            return String(validating: bytes[ascii...], as: UTF8.self) != nil
        }
    }
}

/// UTF-8 checked piece by piece as a text message arrives (its fragments, or the reads of one
/// long frame), so that a message that has already gone wrong is refused then rather than at its
/// end: RFC 6455 §8.1 has the connection failed on invalid text, and Autobahn's 6.4 cases check
/// that it fails fast.
package struct UTF8Stream {
    /// The start of a character cut off at the end of the last piece (at most three bytes).
    private var carried = SIMD4<UInt8>()
    private var carriedCount = 0

    package init() {}

    /// Whether the text so far ends on a whole character, as a finished message must.
    package var endsOnWholeCharacter: Bool { carriedCount == 0 }

    /// Takes the next piece; false once the text can no longer be valid UTF-8.
    package mutating func accept(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        if carriedCount > 0 {
            // The cut character, completed with the first bytes of this piece.
            var joined = carried
            let taken = min(4 - carriedCount, bytes.count)
            for index in 0..<taken { joined[carriedCount + index] = bytes[index] }
            let count = carriedCount + taken
            var input = (0..<count).lazy.map { joined[$0] }.makeIterator()
            var parser = Unicode.UTF8.ForwardParser()
            switch parser.parseScalar(from: &input) {
            case .valid(let scalar):
                start = scalar.count - carriedCount
                carriedCount = 0
            case .error(let length) where length == count && count < 4:
                (carried, carriedCount) = (joined, count)  // still cut: this piece was that short
                return true
            case .error, .emptyInput:
                return false
            }
        }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
        switch Self.scan(rest) {
        case .valid:
            return true
        case .invalid:
            return false
        case .cut(let at):
            carriedCount = rest.count - at
            for index in 0..<carriedCount { carried[index] = rest[at + index] }
            return true
        }
    }

    private enum Scan { case valid, invalid, cut(at: Int) }

    /// Valid, invalid, or valid up to a character that the end of `bytes` cuts off: the
    /// standard library's parser reports a cut-off but well-begun character as one error that
    /// spans the rest of the bytes (Unicode's "maximal subpart").
    private static func scan(_ bytes: UnsafeRawBufferPointer) -> Scan {
        var position = asciiPrefix(of: bytes)
        guard position < bytes.count else { return .valid }
        var input = bytes[position...].makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let scalar):
                position += scalar.count
            case .emptyInput:
                return .valid
            case .error(let length):
                // One byte alone may still be a byte that never begins a character (C0, C1, F5…).
                let cut = position + length == bytes.count && (length > 1 || (0xC2...0xF4).contains(bytes[position]))
                return cut ? .cut(at: position) : .invalid
            }
        }
    }

    /// How many bytes at the start are ASCII, thirty-two (then eight) at a step.
    package static func asciiPrefix(of bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let high: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 32 <= bytes.count {
            let any = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) | base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                | base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self) | base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
            guard any & high == 0 else { break }
            index += 32
        }
        while index + 8 <= bytes.count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & high == 0 {
            index += 8
        }
        while index < bytes.count, bytes[index] < 0x80 { index += 1 }
        return index
    }
}
