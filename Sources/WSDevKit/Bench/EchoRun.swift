import NIOCore

/// echo, latency and bulk: connections send, wait for the echo, check it, send the next.
enum EchoRun {
    static func run(_ plan: BenchPlan, tallies: Tallies) async throws -> BenchReport {
        let payload = Payload(size: plan.size, binary: plan.binary)
        let connector = Connector(target: plan.target, payload: payload, tallies: tallies, maxMessage: plan.maxMessage)
        let setup = await OpenMany(connector, count: plan.connections, window: plan.connectWindow)
        guard setup.failures == 0 else {
            for connection in setup.opened { _ = try? await connection.close(patience: .milliseconds(200)).get() }
            throw BenchError("opened \(setup.opened.count) of \(plan.connections) connections; \(setup.firstFailure ?? "")")
        }
        let server = plan.server
        let serverCPU = server?.cpuSeconds()
        let clientCPU = ProcessProbe.ownCPUSeconds()

        let start = NIODeadline.now()
        var run = EchoDriver.Run(messages: Int.max, depth: max(1, plan.depth), giveUp: start)
        if let total = plan.messages {
            run.giveUp = start + .nanoseconds(Int64(plan.seconds * 1e9))
            run.messages = total / plan.connections
        } else {
            run.windowStart = start + .nanoseconds(Int64(plan.warmup * 1e9))
            run.stopSending = run.windowStart + .nanoseconds(Int64(plan.seconds * 1e9))
            run.giveUp = run.stopSending + .seconds(10)
        }
        let connections = setup.opened
        var futures: [EventLoopFuture<Void>] = []
        for (index, connection) in connections.enumerated() {
            var mine = run
            if let total = plan.messages, index < total % plan.connections { mine.messages += 1 }
            futures.append(connection.start(mine))
        }
        for future in futures { try? await future.get() }  // failures are in the tally
        let serverUsed = server?.cpuSeconds().flatMap { now in serverCPU.map { now - $0 } }
        let clientUsed = ProcessProbe.ownCPUSeconds() - clientCPU
        let rss = server?.residentKiB()
        for connection in connections { _ = try? await connection.close().get() }

        let tally = try await tallies.total()
        var report = BenchReport(plan: plan)
        report.size = plan.size
        report.opcode = plan.binary ? "binary" : "text"
        report.depth = run.depth
        let seconds: Double
        if plan.messages != nil {
            seconds = max(1e-9, Double((tally.lastEcho - start).nanoseconds) / 1e9)
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
        report.serverRssAfterKib = rss
        if tally.echoes > 0 {
            // CPU covers warm-up and window alike, so it is divided by every echo.
            report.serverCpuSeconds = serverUsed.map { ($0 * 100).rounded() / 100 }
            report.clientCpuSeconds = (clientUsed * 100).rounded() / 100
            report.serverCpuUsPerMsg = serverUsed.map { ($0 / Double(tally.echoes) * 1e8).rounded() / 100 }
            report.clientCpuUsPerMsg = (clientUsed / Double(tally.echoes) * 1e8).rounded() / 100
        }
        return report
    }
}
