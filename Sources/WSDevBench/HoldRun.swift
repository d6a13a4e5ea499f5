import NIOCore

/// hold: open N connections and keep them all, read the server's RSS, then one echo on each.
enum HoldRun {
    static func run(_ plan: BenchPlan, tallies: Tallies) async throws -> BenchReport {
        let payload = Payload(size: plan.size, binary: plan.binary)
        var connector = Connector(target: plan.target, payload: payload, tallies: tallies, maxMessage: plan.maxMessage)
        connector.connectTimeout = .seconds(20)
        let server = plan.server
        let before = server?.residentKiB()

        let started = ContinuousClock.now
        let setup = await OpenMany(connector, count: plan.connections, window: plan.connectWindow)
        let openSeconds = (ContinuousClock.now - started).seconds
        try? await Task.sleep(for: .seconds(plan.settle))
        let held = server?.residentKiB()

        let giveUp = NIODeadline.now() + .nanoseconds(Int64(max(plan.seconds, 5) * 1e9))
        let futures = setup.opened.map { $0.start(EchoDriver.Run(messages: 1, giveUp: giveUp)) }
        for future in futures { try? await future.get() }  // failures are in the tally
        let after = server?.residentKiB()
        await withTaskGroup(of: Void.self) { group in
            for connection in setup.opened { group.addTask { _ = try? await connection.close().get() } }
        }

        let tally = try await tallies.total()
        var report = BenchReport(plan: plan)
        report.size = plan.size
        report.opcode = plan.binary ? "binary" : "text"
        report.opened = setup.opened.count
        report.answered = tally.echoes
        report.openSeconds = (openSeconds * 100).rounded() / 100
        report.fill(latency: tally.latency)
        report.fill(tally: tally)
        report.errors += setup.failures
        report.firstError = setup.firstFailure ?? report.firstError
        report.serverRssBeforeKib = before
        report.serverRssHeldKib = held
        report.serverRssAfterKib = after
        if let before, let peak = [held, after].compactMap({ $0 }).max(), !setup.opened.isEmpty {
            report.serverRssPerConnKb = (Double(peak - before) / Double(setup.opened.count) * 100).rounded() / 100
        }
        return report
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
