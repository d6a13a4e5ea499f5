import Foundation

extension OriginPolicy {
    /// Why an `--origin` value can never match what a browser sends, or nil when it can.
    /// Browsers send `scheme://host[:port]`, nothing else, so `example.com` or a URL with a path
    /// would quietly allow nobody; better to say so at start.
    public static func problem(with value: String) -> String? {
        let text = normalise(value)
        guard let separator = text.range(of: "://") else {
            let host = text.isEmpty ? "example.com" : text
            return "--origin \(value) has no scheme: an origin is scheme://host[:port], as the browser's address bar shows it, "
                + "e.g. --origin https://\(host) (or --origin http://\(host) for a page served over http)."
        }
        let scheme = text[..<separator.lowerBound]
        let rest = text[separator.upperBound...]
        guard scheme == "http" || scheme == "https" else {
            return "--origin \(value): pages come from http:// or https:// origins, e.g. --origin https://example.com. (file:// pages send 'null' and are always allowed.)"
        }
        guard !rest.isEmpty else { return "--origin \(value) names no host, e.g. --origin https://example.com." }
        if let cut = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            return "--origin \(value): an origin has no path; give --origin \(scheme)://\(rest[..<cut])."
        }
        return nil
    }
}
