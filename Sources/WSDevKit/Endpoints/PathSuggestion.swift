/// The endpoint a mistyped path most likely meant ("/echoo" → "/echo", "/Chat" → "/chat",
/// "/count.py" → "/count"), for the 404 of a handshake.
enum PathSuggestion {
    static func closest(to path: String, among known: [String]) -> String? {
        let wanted = Array(path.lowercased().unicodeScalars)
        // Up to a third of the path may be wrong, and at least two edits are allowed: a swapped
        // pair of letters is two.
        let allowed = max(2, wanted.count / 3)
        var best: (path: String, distance: Int)?
        for candidate in known where candidate != path {
            let distance = editDistance(wanted, Array(candidate.lowercased().unicodeScalars), limit: allowed)
            if distance <= allowed, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.path
    }

    /// Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            if current.min()! > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}
