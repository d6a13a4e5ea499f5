import Crypto

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2): base64(SHA-1(key + GUID)).
/// The server answers with it in its 101 (`SwitchingProtocols`); the
/// generator checks it in churn. SHA-1 is swift-crypto's (BoringSSL): every connection hashes once.
package enum AcceptKey {
    package static let length = 28

    package static func value(for key: String) -> String {
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
    package static func write(for key: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        var sha1 = Insecure.SHA1()
        sha1.update(bufferPointer: key)
        guid.withUTF8Buffer { sha1.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        sha1.finalize().withUnsafeBytes { Base64.encode($0, into: out) }
    }
}
