/// The changes seen since the last batch, and when the burst they belong to is over.
///
/// A save is over once every file written in it is closed and nothing deleted is still missing:
/// then a short quiet (a fifth of the debounce) is enough. While a file is still being written, or
/// a deleted file may yet be recreated (unlink, then create), the full debounce applies.
struct PendingChanges {
    private var paths: Set<String> = []
    /// Paths that did not exist when this batch began; if they vanish again, nobody needs to know.
    private var appeared: Set<String> = []
    /// Written to but not closed yet.
    private var open: Set<String> = []
    /// Deleted or moved away, and not back yet.
    private var missing: Set<String> = []
    private var first: ContinuousClock.Instant?
    private var last: ContinuousClock.Instant?

    mutating func changed(_ path: String) {
        paths.insert(path)
        touch()
    }

    mutating func writing(_ path: String) {
        open.insert(path)
        changed(path)
    }

    mutating func closed(_ path: String) {
        open.remove(path)
        changed(path)
    }

    mutating func appeared(_ path: String) {
        if !paths.contains(path) { appeared.insert(path) }
        missing.remove(path)
        changed(path)
    }

    mutating func vanished(_ path: String) {
        open.remove(path)
        if appeared.remove(path) != nil {
            paths.remove(path)
        } else {
            paths.insert(path)
            missing.insert(path)
        }
        touch()
    }

    /// When to report: a quiet spell after the last event, but no later than ten debounces after
    /// the first, so a file rewritten without pause is still reported.
    func deadline(debounce: Duration) -> ContinuousClock.Instant? {
        guard let first, let last else { return nil }
        let settled = open.isEmpty && missing.isEmpty
        return min(last + (settled ? debounce / 5 : debounce), first + debounce * 10)
    }

    /// The batch, sorted; empty when everything in it was transient.
    mutating func take() -> [String] {
        defer { self = PendingChanges() }
        return paths.sorted()
    }

    private mutating func touch() {
        let now = ContinuousClock.now
        if first == nil { first = now }
        last = now
    }
}
