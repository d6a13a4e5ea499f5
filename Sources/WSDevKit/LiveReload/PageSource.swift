/// What an open page shows, so that a change reloads only the pages it could affect: editing
/// `b.html` must not reload `a.html` (and drop the WebSocket that page has open).
enum PageSource: Sendable, Equatable {
    /// An HTML file, by its path relative to the root.
    case file(String)
    /// A folder's generated listing, by the folder's path relative to the root ("" is the root).
    case listing(String)
    /// An error page or an `--spa` fallback: any change may be the one that fixes it.
    case unknown

    enum Reaction: Sendable, Equatable {
        case none, restyle, reload
    }

    /// Resolves the page's URL path (as `location.pathname` gives it) the way the responder did.
    init(urlPath: String, root: DocumentRoot) {
        func relative(_ path: String) -> String {
            path.hasPrefix(root.path + "/") ? String(path.dropFirst(root.path.count + 1)) : ""
        }
        switch root.page(urlPath: urlPath[...]) {
        case .file(let file, _):
            self = .file(relative(file.path))
        case .listing(let folder):
            self = .listing(relative(folder))
        case .folderWithoutSlash:
            self = PageSource(urlPath: urlPath + "/", root: root)
        case .fileWithSlash, .notFound, .forbidden:
            self = .unknown
        }
    }

    /// Stylesheets are swapped in place; an HTML file reloads only its own page; anything else
    /// (scripts, images, data) may be used by any page, so those reload.
    func reaction(to changes: [String]) -> Reaction {
        var restyle = false
        for path in changes {
            if path.isEmpty { return .reload }
            let lowered = path.lowercased()
            switch self {
            case .listing(let folder):
                let parent = path.split(separator: "/").dropLast().joined(separator: "/")
                if parent == folder { return .reload }
            case .file, .unknown:
                if lowered.hasSuffix(".css") {
                    restyle = true
                } else if lowered.hasSuffix(".html") || lowered.hasSuffix(".htm") {
                    if case .file(let own) = self, own != path { continue }
                    return .reload
                } else {
                    return .reload
                }
            }
        }
        return restyle ? .restyle : .none
    }
}
