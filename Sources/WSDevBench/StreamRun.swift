#if os(Linux)
/// stream: N connections that only read what the server pushes (a handler that prints as fast
/// as it can, say), for a warm-up and then a window: messages and payload MB per second summed
/// over the connections, the slowest connection's MB/s (a server may starve some), and the
/// server's CPU in the window, with its children (handler processes) and without.
enum StreamRun {
    static func run(_ plan: BenchPlan) async throws -> BenchReport {
        let (threads, window) = try await StreamLoop.run(plan)
        var tally = LoopTally.Snapshot()
        for thread in threads { tally.add(thread.tally) }
        let seconds = max(1e-9, window.seconds)

        var report = BenchReport(plan: plan)
        report.size = plan.size > 0 ? plan.size : nil
        report.threads = threads.count
        report.seconds = (seconds * 1000).rounded() / 1000
        report.messages = tally.windowMessages
        report.msgsPerSecond = (Double(tally.windowMessages) / seconds).rounded()
        report.mbPerSecond = (Double(tally.windowBytes) / seconds / 1e4).rounded() / 100
        let slowest = threads.flatMap(\.lanes).map(\.bytes).min() ?? 0
        report.slowestMbPerSecond = (Double(slowest) / seconds / 1e4).rounded() / 100
        report.fill(tally: tally)
        report.serverRssAfterKib = window.serverRSS
        report.serverCpuSeconds = window.serverSeconds.map { ($0 * 1000).rounded() / 1000 }
        report.serverOwnCpuSeconds = window.serverOwnSeconds.map { ($0 * 1000).rounded() / 1000 }
        report.clientCpuSeconds = (window.clientSeconds * 1000).rounded() / 1000
        if tally.windowMessages > 0 {
            let messages = Double(tally.windowMessages)
            report.serverCpuUsPerMsg = window.serverSeconds.map { ($0 / messages * 1e8).rounded() / 100 }
            report.clientCpuUsPerMsg = (window.clientSeconds / messages * 1e8).rounded() / 100
        }
        return report
    }
}
#endif
