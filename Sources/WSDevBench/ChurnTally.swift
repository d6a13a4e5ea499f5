/// What churn measured on one thread (or in all): completed cycles, and the echo counts, errors
/// and latencies in the same form as the echo modes'.
struct ChurnTally: Sendable {
    var counts = LoopTally.Snapshot()
    var cycles = LatencyHistogram()

    mutating func add(_ other: ChurnTally) {
        counts.add(other.counts)
        cycles.merge(other.cycles)
    }
}
