import Foundation

/// Which folder `wsdev serve` serves: ROOT when given; otherwise `public/` when there is one,
/// else the current folder, as pywebsocket's `standalone.py` does, so the classic tutorial's
/// `wsdev -p 9998 -w ../example/` works from the folder holding its page, and `cd public && wsdev` too.
struct RootChoice {
    let path: String
    /// A banner line when the choice was not the user's.
    let note: String?

    static func choose(given: String?) -> RootChoice {
        if let given { return RootChoice(path: given, note: nil) }
        var info = stat()
        if stat("public", &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return RootChoice(path: "public", note: nil) }
        return RootChoice(path: ".", note: "  no public/ folder here, so serving the current folder (name another: wsdev serve DIR)")
    }
}
