@testable import WSDevBench

extension BenchPlan {
    /// A plan for `mode` against `path` on a server on this machine, with windows short enough
    /// that a test takes about a second.
    static func local(_ mode: Mode, port: Int, path: String, seconds: Double, warmup: Double) throws -> BenchPlan {
        var plan = BenchPlan(mode: mode, target: try BenchTarget(url: "ws://127.0.0.1:\(port)\(path)"))
        plan.seconds = seconds
        plan.warmup = warmup
        return plan
    }
}
