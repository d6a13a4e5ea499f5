#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOWebSocket

/// The bytes of every message sent, and the check that every echoed byte came back.
///
/// Each message is a fixed pattern whose first (up to) 16 bytes are replaced by the message's
/// sequence number in hex, so a reordered, duplicated, truncated or corrupted echo never passes.
/// Text messages are printable ASCII without newlines (valid UTF-8, and safe for line-oriented
/// servers such as websocketd); binary ones cycle through all 256 byte values.
struct Payload: Sendable {
    let size: Int
    let opcode: WebSocketOpcode
    private let pattern: [UInt8]
    private let stampLength: Int

    init(size: Int, binary: Bool) {
        self.size = size
        self.opcode = binary ? .binary : .text
        var pattern = [UInt8](repeating: 0, count: size)
        for index in 0..<size {
            let value: Int = binary ? (index &* 131 &+ 7) & 0xFF : 0x20 + (index &* 31) % 95
            pattern[index] = UInt8(value)
        }
        self.pattern = pattern
        self.stampLength = min(16, size)
    }

    /// Message `sequence` as a complete masked client frame.
    func frame(sequence: UInt64, key: UInt32, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: MaskedFrame.maxHeader + size)
        write(sequence: sequence, key: key, into: &buffer)
        return buffer
    }

    /// The same frame appended to `buffer` (churn reuses one buffer per lane).
    func write(sequence: UInt64, key: UInt32, into buffer: inout ByteBuffer) {
        let stamp = stampLength
        MaskedFrame.write(opcode: opcode, key: key, count: size, into: &buffer) { destination in
            pattern.withUnsafeBytes { source in
                if source.count > 0 { destination.copyMemory(from: source) }
            }
            for index in 0..<stamp { destination[index] = Self.hexDigit(sequence, index, stamp) }
        }
    }

    /// True when `data` is exactly message `sequence`, byte for byte.
    func matches(_ data: ByteBuffer, sequence: UInt64) -> Bool {
        guard data.readableBytes == size else { return false }
        let stamp = stampLength
        let size = self.size
        return data.withUnsafeReadableBytes { raw in
            for index in 0..<stamp where raw[index] != Self.hexDigit(sequence, index, stamp) { return false }
            guard size > stamp else { return true }
            return pattern.withUnsafeBytes { expected in
                memcmp(raw.baseAddress! + stamp, expected.baseAddress! + stamp, size - stamp) == 0
            }
        }
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt64, _ position: Int, _ length: Int) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: value >> UInt64(4 * (length - 1 - position))) & 0xF
        return nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }
}
