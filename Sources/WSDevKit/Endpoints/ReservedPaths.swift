/// Paths under `/__wsdev/` belong to wsdev itself (the live-reload channel). They are left out of
/// the banner and the access log, and do not use up the connection numbers (`#1`, `#2`) users see.
enum ReservedPaths {
    static let prefix = "/__wsdev/"

    static func contains(_ path: some StringProtocol) -> Bool { path.hasPrefix(prefix) }
}
