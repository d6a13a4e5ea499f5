extension Duration {
    /// "0.4 ms", "12 ms", "2.5 s": short enough for a log line.
    var logText: String {
        let micros = components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
        switch micros {
        case ..<10_000: return "\(micros / 1000).\(micros / 100 % 10) ms"
        case ..<1_000_000: return "\(micros / 1000) ms"
        default: return "\(micros / 1_000_000).\(micros / 100_000 % 10) s"
        }
    }
}
