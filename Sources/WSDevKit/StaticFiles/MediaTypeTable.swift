/// Types that content sniffing cannot tell apart (libmagic calls JS and CSS `text/plain`),
/// plus common types where the extension is both right and cheaper than sniffing.
enum MediaTypeTable {
    static func type(forExtension ext: String) -> String? {
        table[ext.lowercased()]
    }

    private static let utf8 = "; charset=utf-8"

    private static let table: [String: String] = [
        "html": "text/html" + utf8, "htm": "text/html" + utf8,
        "css": "text/css" + utf8,
        "js": "text/javascript" + utf8, "mjs": "text/javascript" + utf8, "cjs": "text/javascript" + utf8,
        "json": "application/json", "map": "application/json",
        "webmanifest": "application/manifest+json",
        "wasm": "application/wasm",
        "svg": "image/svg+xml",
        "xml": "application/xml",
        "txt": "text/plain" + utf8, "md": "text/markdown" + utf8, "csv": "text/csv" + utf8,
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
        "webp": "image/webp", "avif": "image/avif", "ico": "image/x-icon",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        "mp4": "video/mp4", "webm": "video/webm", "ogv": "video/ogg",
        "mp3": "audio/mpeg", "ogg": "audio/ogg", "oga": "audio/ogg", "wav": "audio/wav", "flac": "audio/flac",
        "pdf": "application/pdf", "zip": "application/zip",
    ]
}
