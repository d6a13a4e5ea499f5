import NIOCore

extension ByteBuffer {
    /// Whether the readable bytes are well-formed UTF-8 (RFC 6455 §8.1: text messages must be).
    ///
    /// ASCII, by far the most common text, is checked eight bytes a step without copying; only
    /// text with other characters goes through the standard library's validating decoder.
    var isValidUTF8: Bool {
        withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return true }
            let words = bytes.count / 8
            var index = 0
            while index < words {
                if base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
                index += 1
            }
            var tail = index * 8
            while tail < bytes.count, bytes[tail] < 0x80 { tail += 1 }
            if tail == bytes.count { return true }
            return String(validating: bytes[tail...], as: UTF8.self) != nil
        }
    }
}
