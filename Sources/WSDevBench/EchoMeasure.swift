import NIOCore

/// What both echo engines share: the run's deadlines, the CPU and memory read just before and
/// just after it (connection set-up and the close handshakes are not counted), and the report.
struct EchoMeasure {
    let plan: BenchPlan
    private var cpu = CPUWindow(server: nil)
    private var depth = 1

    init(plan: BenchPlan) { self.plan = plan }

    /// Called once every connection is open: reads the CPU counters and fixes the deadlines.
    /// The run is for connection 0; `share(_:connection:)` gives each its own.
    mutating func begin() -> EchoDriver.Run {
        cpu = CPUWindow(server: plan.server)
        let start = cpu.start
        var run = EchoDriver.Run(messages: Int.max, depth: max(1, plan.depth), giveUp: start)
        if let total = plan.messages {
            run.giveUp = start + .nanoseconds(Int64(plan.seconds * 1e9))
            run.messages = total / plan.connections
        } else {
            run.windowStart = start + .nanoseconds(Int64(plan.warmup * 1e9))
            run.stopSending = run.windowStart + .nanoseconds(Int64(plan.seconds * 1e9))
            run.giveUp = run.stopSending + .seconds(10)
        }
        depth = run.depth
        return run
    }

    /// With `--messages`, the total split over the connections, the first ones taking the remainder.
    func share(_ run: EchoDriver.Run, connection index: Int) -> EchoDriver.Run {
        var mine = run
        if let total = plan.messages, index < total % plan.connections { mine.messages += 1 }
        return mine
    }

    /// Called when every connection has finished its run, before any closes.
    mutating func end() { cpu.close() }

    func report(_ tally: LoopTally.Snapshot) -> BenchReport {
        var report = BenchReport(plan: plan)
        report.size = plan.size
        report.opcode = plan.binary ? "binary" : "text"
        report.depth = depth
        let seconds: Double
        if plan.messages != nil {
            seconds = max(1e-9, Double((tally.lastEcho - cpu.start).nanoseconds) / 1e9)
            report.messages = tally.echoes
        } else {
            seconds = plan.seconds
            report.messages = tally.windowMessages
        }
        report.seconds = (seconds * 1000).rounded() / 1000
        let counted = Double(report.messages ?? 0)
        report.msgsPerSecond = (counted / seconds).rounded()
        report.mbPerSecond = ((plan.messages != nil ? Double(tally.echoes * plan.size) : Double(tally.windowBytes)) / seconds / 1e4).rounded() / 100
        report.fill(latency: tally.latency)
        report.fill(tally: tally)
        report.fill(cpu: cpu, echoes: tally.echoes)
        return report
    }
}
