import Foundation
import WSWire

/// Which web pages may open WebSockets here (cross-site WebSocket hijacking defence).
///
/// Browsers send `Origin` on every WebSocket handshake and scripts cannot forge it, so a page on
/// another site is recognisable. Clients that are not browsers send no Origin and are allowed.
public struct OriginPolicy: Sendable {
    /// Extra origins allowed with `--origin`, normalised (`scheme://host[:port]`, lower case).
    public var allowed: Set<String>
    public var allowAny: Bool

    public init(allowed: [String] = [], allowAny: Bool = false) {
        self.allowed = Set(allowed.map(Self.normalise))
        self.allowAny = allowAny
    }

    /// nil when allowed; otherwise the refusal to send. `host` must be one `AllowedHosts` passed:
    /// an Origin equal to any Host at all is exactly what a DNS-rebound page sends.
    func check(origin: String?, host: String?) -> UpgradeRefusal? {
        guard !allowAny, let origin, !origin.isEmpty else { return nil }
        if let host, Self.isOrigin(origin, ofHost: host) { return nil }
        let normalised = Self.normalise(origin)
        // Pages opened from file:// send "null", as the classic tutorial's page does.
        if normalised == "null" || allowed.contains(normalised) { return nil }
        // The usual case, a page of this server, without parsing a URL.
        if let host = host?.lowercased(), normalised == "http://" + host || normalised == "https://" + host { return nil }
        guard let url = URL(string: normalised), let originHost = url.host?.lowercased() else {
            return refusal(origin)
        }
        if ["localhost", "127.0.0.1", "::1", "[::1]"].contains(originHost) { return nil }
        // Same origin: the page came from this server, by whatever name the browser used.
        if let host = host?.lowercased(), Self.authority(of: url) == host { return nil }
        return refusal(origin)
    }

    private func refusal(_ origin: String) -> UpgradeRefusal {
        UpgradeRefusal(
            status: .forbidden,
            message: "A page from \(origin) may not open WebSockets on this server (only this server's own pages, localhost pages and file:// pages may). "
                + "If that page is yours, start wsdev with --origin \(Self.normalise(origin)), or --allow-any-origin.")
    }

    /// The usual case, a page of this server (`http://` or `https://` and the Host header), read
    /// as `normalise` would read it but without building strings: every browser handshake asks.
    static func isOrigin(_ origin: String, ofHost host: String) -> Bool {
        var text = origin.utf8[...]
        while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
        while let last = text.last, last == 0x20 || last == 0x09 || last == UInt8(ascii: "/") { text = text.dropLast() }
        for scheme: StaticString in ["http://", "https://"] where text.count == scheme.utf8CodeUnitCount + host.utf8.count {
            let split = text.index(text.startIndex, offsetBy: scheme.utf8CodeUnitCount)
            if ASCIICase.equals(text[..<split], scheme), ASCIICase.equals(text[split...], host.utf8) { return true }
        }
        return false
    }

    static func normalise(_ origin: String) -> String {
        // By hand rather than `trimmingCharacters(in:)`, which goes through NSString on every handshake.
        var text = Substring(origin.lowercased())
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "/" { text.removeLast() }
        return String(text)
    }

    /// `host:port` as it would appear in a Host header (default ports omitted).
    private static func authority(of url: URL) -> String? {
        guard let host = url.host else { return nil }
        let shown = host.contains(":") ? "[\(host)]" : host
        guard let port = url.port else { return shown }
        let isDefault = (url.scheme == "http" && port == 80) || (url.scheme == "https" && port == 443)
        return isDefault ? shown : "\(shown):\(port)"
    }
}
