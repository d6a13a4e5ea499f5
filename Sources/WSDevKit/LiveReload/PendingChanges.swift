/// The changes seen since the last batch, and when the burst they belong to is over.
struct PendingChanges {
    private var paths: Set<String> = []
    /// Paths that did not exist when this batch began; if they vanish again, nobody needs to know.
    private var appeared: Set<String> = []
    private var first: ContinuousClock.Instant?
    private var last: ContinuousClock.Instant?

    mutating func changed(_ path: String) {
        paths.insert(path)
        touch()
    }

    mutating func appeared(_ path: String) {
        if !paths.contains(path) { appeared.insert(path) }
        paths.insert(path)
        touch()
    }

    mutating func vanished(_ path: String) {
        if appeared.remove(path) != nil {
            paths.remove(path)
        } else {
            paths.insert(path)
        }
        touch()
    }

    /// When to report: `debounce` after the last event, but no later than ten of them after the
    /// first, so a file rewritten without pause is still reported.
    func deadline(debounce: Duration) -> ContinuousClock.Instant? {
        guard let first, let last else { return nil }
        return min(last + debounce, first + debounce * 10)
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
