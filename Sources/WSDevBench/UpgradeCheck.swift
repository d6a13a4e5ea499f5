import WSWire
/// Whether a response head accepts our upgrade (RFC 6455 §4.1, the client's checks): status 101,
/// `Upgrade: websocket`, `Connection: Upgrade`, the right `Sec-WebSocket-Accept`, and no
/// extension we did not offer. Shared by the NIO handshake and the raw churn lanes.
///
/// Reads the bytes in place and allocates only to describe a failure: in churn it runs once per
/// connection, thousands of times a second.
enum UpgradeCheck {
    /// Nil when `head` (status line and headers, up to the blank line) accepts the upgrade,
    /// else what is wrong with it.
    static func problem(head: UnsafeRawBufferPointer, expectedAccept: UnsafeRawBufferPointer) -> String? {
        var upgrade = false, connection = false, accept = false
        var start = 0
        var first = true
        while start < head.count {
            var end = start
            while end < head.count && head[end] != 10 { end += 1 }
            var stop = end
            if stop > start && head[stop - 1] == 13 { stop -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: head[start..<stop])
            start = end + 1
            if first {
                first = false
                guard starts(line, with: "HTTP/1.1 101") else {
                    return "expected 101 Switching Protocols, got \"\(String(decoding: line, as: UTF8.self))\""
                }
            } else if let value = value(of: "upgrade", in: line) {
                upgrade = ASCIICase.equals(value, "websocket")
            } else if let value = value(of: "connection", in: line) {
                connection = containsIgnoringCase(value, "upgrade")
            } else if let value = value(of: "sec-websocket-accept", in: line) {
                accept = value.elementsEqual(expectedAccept)
                if !accept { return "Sec-WebSocket-Accept \(String(decoding: value, as: UTF8.self)) is wrong" }
            } else if let value = value(of: "sec-websocket-extensions", in: line) {
                return "server chose extensions we did not offer: \(String(decoding: value, as: UTF8.self))"
            }
        }
        if first { return "empty response" }
        if !upgrade { return "no Upgrade: websocket" }
        if !connection { return "no Connection: Upgrade" }
        return accept ? nil : "no Sec-WebSocket-Accept"
    }

    /// The trimmed value when `line` is the header `name` (ASCII, any case).
    private static func value(of name: StaticString, in line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let count = name.utf8CodeUnitCount
        guard line.count > count, line[count] == UInt8(ascii: ":"),
              ASCIICase.equals(UnsafeRawBufferPointer(rebasing: line[0..<count]), name) else { return nil }
        var from = count + 1, to = line.count
        while from < to && (line[from] == 32 || line[from] == 9) { from += 1 }
        while to > from && (line[to - 1] == 32 || line[to - 1] == 9) { to -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[from..<to])
    }

    private static func starts(_ bytes: UnsafeRawBufferPointer, with prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { prefix in bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 } }
    }

    /// For `Connection: keep-alive, Upgrade`.
    private static func containsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ expected: StaticString) -> Bool {
        expected.withUTF8Buffer { expected in
            guard bytes.count >= expected.count else { return false }
            for offset in 0...(bytes.count - expected.count)
            where (0..<expected.count).allSatisfy({ lower(bytes[offset + $0]) == expected[$0] }) {
                return true
            }
            return false
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte | 0x20 : byte }
}
