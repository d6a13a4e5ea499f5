import Foundation

/// The folder being served, and the only place files may come from.
///
/// Every URL path is decoded segment by segment and the final file is resolved with
/// `realpath`, so `..`, encoded slashes, NUL bytes and symlinks that leave the root all stop here.
struct DocumentRoot: Sendable {
    /// Canonical absolute path, without a trailing slash.
    let path: String

    enum Resolution: Equatable {
        case file(FileInfo)
        case directory(String)
        /// Nothing there, or something that must not be shown (dotfiles, devices, bad encodings).
        case notFound
        /// Exists, but resolves outside the root.
        case forbidden
    }

    init(path: String) throws(StartupError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .rootMissing(path, closest: ClosestFolder.to(path)) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .rootNotDirectory(path) }
        guard let real = realpath(path, nil) else { throw .rootMissing(path) }
        defer { free(real) }
        let canonical = String(cString: real)
        self.path = canonical == "/" ? "" : canonical
    }

    /// Maps the raw (still percent-encoded) path of a request URL to what lies on disk.
    func resolve(urlPath: Substring) -> Resolution {
        guard let candidate = candidate(urlPath: urlPath) else { return .notFound }
        guard let real = realpath(candidate, nil) else { return .notFound }
        let resolved = String(cString: real)
        free(real)
        guard resolved == path || resolved.hasPrefix(path + "/") || (path.isEmpty && resolved.hasPrefix("/")) else {
            return .forbidden
        }
        // A symlink inside the root may still point at a dotfile; judge the target too.
        if resolved != path, resolved.dropFirst(path.count).split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            return .notFound
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else { return .notFound }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory(resolved)
        case S_IFREG: return .file(FileInfo(path: resolved, stat: info))
        default: return .notFound
        }
    }

    /// What a URL path shows, the one answer to "which page" for the responder and for live
    /// reload: a folder shows its `index.html`, else its listing.
    enum Page: Equatable {
        /// A file, and the URL path that names it (a folder's `index.html` included).
        case file(FileInfo, urlPath: String)
        case listing(folder: String)
        /// A folder named without its trailing slash: it is redirected there.
        case folderWithoutSlash
        /// A file named with a trailing slash, as if it were a folder.
        case fileWithSlash
        case notFound
        case forbidden
    }

    func page(urlPath: Substring) -> Page {
        switch resolve(urlPath: urlPath) {
        case .notFound: return .notFound
        case .forbidden: return .forbidden
        case .file(let file): return urlPath.hasSuffix("/") ? .fileWithSlash : .file(file, urlPath: String(urlPath))
        case .directory(let folder):
            guard urlPath.hasSuffix("/") else { return .folderWithoutSlash }
            let index = urlPath + "index.html"
            if case .file(let file) = resolve(urlPath: index[...]) { return .file(file, urlPath: String(index)) }
            return .listing(folder: folder)
        }
    }

    /// The path under the root that a URL path names, before symlinks are followed; nil when the
    /// URL path is unsafe. `FastFileTable` stats it to check that a URL still leads to the same file.
    func candidate(urlPath: Substring) -> String? {
        guard let segments = Self.segments(of: urlPath) else { return nil }
        return segments.isEmpty ? (path.isEmpty ? "/" : path) : path + "/" + segments.joined(separator: "/")
    }

    /// Decoded path segments, or nil when any segment is unsafe or malformed.
    static func segments(of urlPath: Substring) -> [String]? {
        var result: [String] = []
        for raw in urlPath.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = String(raw).removingPercentEncoding else { return nil }
            if decoded.contains("/") || decoded.contains("\0") || decoded.contains("\\") { return nil }
            // `..` and hidden files (.git, .env) are never served.
            if decoded.hasPrefix(".") { return nil }
            result.append(decoded)
        }
        return result
    }
}

/// What the responder needs to know about one regular file.
struct FileInfo: Equatable, Sendable {
    let path: String
    let version: FileVersion

    init(path: String, stat info: stat) {
        self.path = path
        self.version = FileVersion(info)
    }

    var size: Int { version.size }
    var etag: String { version.etag }
    var modifiedSeconds: Int { version.seconds }
}
