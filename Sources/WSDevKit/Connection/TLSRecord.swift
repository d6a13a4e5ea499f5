/// The first byte of a TLS connection: a handshake record (RFC 8446 §5.1) carrying the ClientHello,
/// which no HTTP/1.x request can start with. A browser sends it for `wss://` and `https://`.
enum TLSRecord {
    static let handshake: UInt8 = 0x16

    static let advice = "a TLS handshake arrived on the plain port: use ws:// and http:// (wsdev has no TLS yet)"
}
