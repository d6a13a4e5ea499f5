/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2): base64(SHA-1(key + GUID)).
/// The server answers with it in `LoopUpgrade` and `WebSocketUpgrader`; the generator checks it in churn.
enum AcceptKey {
    static let length = 28

    static func value(for key: String) -> String {
        var key = key
        return key.withUTF8 { key in
            String(unsafeUninitializedCapacity: length) { out in
                write(for: UnsafeRawBufferPointer(key), into: UnsafeMutableRawBufferPointer(out))
                return length
            }
        }
    }
    private static let guid: StaticString = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Writes the 28 characters for `key` to the start of `out`.
    static func write(for key: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: key.count + guid.utf8CodeUnitCount, alignment: 8) { joined in
            joined.copyMemory(from: key)
            guid.withUTF8Buffer { UnsafeMutableRawBufferPointer(rebasing: joined[key.count...]).copyMemory(from: UnsafeRawBufferPointer($0)) }
            withUnsafeTemporaryAllocation(byteCount: 20, alignment: 8) { digest in
                SHA1.digest(UnsafeRawBufferPointer(joined), into: digest)
                Base64.encode(UnsafeRawBufferPointer(digest), into: out)
            }
        }
    }
}
