/// What churn measured on one thread (or in all): completed cycles, and the echo counts, errors
/// and latencies in the same form as the echo modes'.
struct ChurnTally: LaneTally {
    var counts = LoopTally.Snapshot()
    var cycles = LatencyHistogram()

    mutating func mismatch(_ what: String) { counts.mismatch(what) }

    mutating func add(_ other: ChurnTally) {
        counts.add(other.counts)
        cycles.merge(other.cycles)
    }
}
