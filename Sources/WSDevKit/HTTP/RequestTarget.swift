/// An origin-form request target (`/path?query`) split at its first `?`, found on bytes: finding
/// it by `Character` walks grapheme clusters, on every handshake.
enum RequestTarget {
    /// The path, and the query after the `?` (nil without one).
    static func split(_ target: String) -> (path: Substring, query: Substring?) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target[...], nil) }
        return (target[..<mark], target[target.utf8.index(after: mark)...])
    }
}
