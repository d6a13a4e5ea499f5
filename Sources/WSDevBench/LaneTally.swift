/// Where a thread's lanes count what they measured: all that the lanes' shared reading code needs
/// of it is a place for what a correct server would not have sent.
protocol LaneTally: Sendable {
    mutating func mismatch(_ what: String)
}
