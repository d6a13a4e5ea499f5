/// Round-trip times in nanoseconds, log-linear (128 sub-buckets per power of two: < 0.8% error),
/// fixed size whatever the sample count, and mergeable across event loops.
struct LatencyHistogram: Sendable {
    private static let subBits = 7
    private static let subCount = 1 << subBits
    /// Values up to 2^40 ns (about 18 minutes); longer ones land in the last bucket.
    private static let bucketCount = subCount + (40 - subBits + 1) * subCount

    private(set) var counts = [UInt64](repeating: 0, count: bucketCount)
    private(set) var total: UInt64 = 0
    private(set) var maximum: UInt64 = 0
    private(set) var sum: UInt64 = 0

    mutating func record(_ nanoseconds: UInt64) {
        counts[Self.index(of: nanoseconds)] &+= 1
        total &+= 1
        sum &+= nanoseconds
        if nanoseconds > maximum { maximum = nanoseconds }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices where other.counts[index] != 0 { counts[index] &+= other.counts[index] }
        total &+= other.total
        sum &+= other.sum
        maximum = max(maximum, other.maximum)
    }

    /// The smallest recorded value at or above `quantile` (0...1) of the samples, in nanoseconds.
    func value(atQuantile quantile: Double) -> UInt64? {
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((Double(total) * quantile).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count != 0 {
            seen += count
            if seen >= rank { return min(Self.midpoint(of: index), maximum) }
        }
        return maximum
    }

    var mean: Double? { total == 0 ? nil : Double(sum) / Double(total) }

    private static func index(of value: UInt64) -> Int {
        if value < UInt64(subCount) { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount - subBits  // ≥ 0
        let index = subCount + exponent * subCount + Int(value >> UInt64(exponent)) - subCount
        return min(index, bucketCount - 1)
    }

    private static func midpoint(of index: Int) -> UInt64 {
        if index < subCount { return UInt64(index) }
        let exponent = (index - subCount) / subCount
        let sub = UInt64((index - subCount) % subCount + subCount)
        return (sub << UInt64(exponent)) + (UInt64(1) << UInt64(exponent)) / 2
    }
}
