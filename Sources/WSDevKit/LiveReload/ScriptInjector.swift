/// Puts the reload script into HTML: before the last `</body>`, else before the first `</head>`,
/// else at the end (browsers run a trailing script too, and a fragment without tags still reloads).
///
/// The injected page is another representation of the file, so it gets its own validators: the
/// ETag carries the run's token, and Last-Modified is never older than the server's start, so a
/// page cached before a restart is never revalidated into one with a stale token.
struct ScriptInjector: Sendable {
    let token: String
    /// The server's start, in seconds since 1970.
    let started: Int
    private let element: [UInt8]

    init(token: String, started: Int, overlay: Bool = true) {
        self.token = token
        self.started = started
        self.element = Array(ReloadScript.element(token: token, overlay: overlay).utf8)
    }

    /// How much longer every injected page is than its file; a HEAD answer needs no read.
    var addedBytes: Int { element.count }

    func inject(into html: [UInt8]) -> [UInt8] {
        let at = Self.lastIndex(of: "</body", in: html) ?? Self.firstIndex(of: "</head", in: html) ?? html.endIndex
        var page = html
        page.insert(contentsOf: element, at: at)
        return page
    }

    func inject(into html: String) -> String {
        String(decoding: inject(into: Array(html.utf8)), as: UTF8.self)
    }

    /// `"ino-size-mtime"` becomes `"ino-size-mtime-lr<token>"`: different from the plain file's.
    func etag(for fileETag: String) -> String {
        String(fileETag.dropLast()) + "-lr" + token + "\""
    }

    func lastModified(for fileSeconds: Int) -> Int { max(fileSeconds, started) }

    private static func firstIndex(of tag: String, in html: [UInt8]) -> Int? {
        let needle = Array(tag.utf8)
        guard html.count >= needle.count else { return nil }
        return (0...(html.count - needle.count)).first { matches(needle, in: html, at: $0) }
    }

    private static func lastIndex(of tag: String, in html: [UInt8]) -> Int? {
        let needle = Array(tag.utf8)
        guard html.count >= needle.count else { return nil }
        return (0...(html.count - needle.count)).reversed().first { matches(needle, in: html, at: $0) }
    }

    /// ASCII case-insensitive: `</BODY>` is as common in old pages as `</body>`.
    private static func matches(_ needle: [UInt8], in html: [UInt8], at start: Int) -> Bool {
        for (offset, byte) in needle.enumerated() {
            let candidate = html[start + offset]
            let lowered = (65...90).contains(candidate) ? candidate | 0x20 : candidate
            if lowered != byte { return false }
        }
        return true
    }
}
