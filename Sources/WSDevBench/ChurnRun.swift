import NIOCore

/// churn: over L lanes, each connects, sends one message, checks the echo, does the close
/// handshake and waits for the server to drop the connection, then starts again.
/// Each lane runs as a chain of futures on its own event loop: no task hops per connection.
enum ChurnRun {
    /// `tallies` (NIO's event loops) runs the lanes as NIO channels; without them, the lanes run
    /// on plain sockets (`ChurnLoop`, Linux), which costs the generator far less per connection.
    static func run(_ plan: BenchPlan, tallies: Tallies?) async throws -> BenchReport {
        let lanes = max(1, plan.lanes)
        let server = plan.server
        let serverCPU = server?.cpuSeconds()
        let clientCPU = ProcessProbe.ownCPUSeconds()
        let start = NIODeadline.now()
        let stop = start + .nanoseconds(Int64(plan.seconds * 1e9))

        let tally: ChurnTally
        if let tallies {
            tally = try await channelLanes(plan, tallies: tallies, stop: stop)
        } else {
            #if os(Linux)
            tally = try await ChurnLoop.run(plan, stop: stop)
            #else
            throw BenchError("churn without NIO channels needs Linux")
            #endif
        }
        let cycles = tally.cycles
        let elapsed = Double((NIODeadline.now() - start).nanoseconds) / 1e9

        var report = BenchReport(plan: plan)
        report.connections = lanes
        report.size = plan.size
        report.opcode = plan.binary ? "binary" : "text"
        report.seconds = (elapsed * 1000).rounded() / 1000
        report.connectionsPerSecond = (Double(cycles.total) / elapsed).rounded()
        report.cycleP50Us = cycles.value(atQuantile: 0.5).map { (Double($0) / 100).rounded() / 10 }
        report.cycleP99Us = cycles.value(atQuantile: 0.99).map { (Double($0) / 100).rounded() / 10 }
        report.fill(latency: tally.counts.latency)
        report.fill(tally: tally.counts)
        if let serverCPU, let now = server?.cpuSeconds(), cycles.total > 0 {
            report.serverCpuSeconds = ((now - serverCPU) * 100).rounded() / 100
            report.serverCpuUsPerMsg = ((now - serverCPU) / Double(cycles.total) * 1e8).rounded() / 100
        }
        if cycles.total > 0 {
            report.clientCpuUsPerMsg = ((ProcessProbe.ownCPUSeconds() - clientCPU) / Double(cycles.total) * 1e8).rounded() / 100
        }
        return report
    }

    /// The lanes as chains of futures on NIO's event loops, one channel per connection.
    private static func channelLanes(_ plan: BenchPlan, tallies: Tallies, stop: NIODeadline) async throws -> ChurnTally {
        let payload = Payload(size: plan.size, binary: plan.binary)
        let connector = Connector(target: plan.target, payload: payload, tallies: tallies, maxMessage: plan.maxMessage)
        let lanes = max(1, plan.lanes)
        var futures: [EventLoopFuture<Lane.Result>] = []
        for lane in 0..<lanes {
            let loop = tallies.loop(lane)
            futures.append(loop.flatSubmit { Lane(index: lane, of: lanes, connector: connector, loop: loop, stop: stop).run() })
        }
        var tally = ChurnTally()
        var failures = LoopTally.Snapshot()
        for future in futures {
            let result = try await future.get()
            tally.cycles.merge(result.cycles)
            for _ in 0..<result.failures { failures.error(result.firstFailure ?? "") }
        }
        tally.counts = try await tallies.total()
        tally.counts.add(failures)
        return tally
    }

    /// One lane: a loop of connection cycles, all on one event loop.
    final class Lane {
        struct Result: Sendable {
            var cycles = LatencyHistogram()
            var failures = 0
            var firstFailure: String?
        }

        private let index: Int
        private let lanes: Int
        private let connector: Connector
        private let loop: any EventLoop
        private let stop: NIODeadline
        private var attempt: Int
        private var result = Result()
        private let done: EventLoopPromise<Result>

        init(index: Int, of lanes: Int, connector: Connector, loop: any EventLoop, stop: NIODeadline) {
            self.index = index
            self.lanes = lanes
            self.connector = connector
            self.loop = loop
            self.stop = stop
            self.attempt = index
            self.done = loop.makePromise()
        }

        func run() -> EventLoopFuture<Result> {
            cycle()
            return done.futureResult
        }

        private func cycle() {
            let began = NIODeadline.now()
            guard began < stop else {
                done.succeed(result)
                return
            }
            let number = attempt
            attempt += lanes
            let echoed = EchoDriver.Run(messages: 1, giveUp: began + .seconds(5))
            // Every connection of this lane stays on this lane's loop; the source address cycles.
            connector.connect(number, loop: index)
                .flatMap { connection in connection.start(echoed).flatMap { connection.close(patience: .seconds(1)) } }
                .assumeIsolated()
                .whenComplete { [self] outcome in
                    var pause = TimeAmount.zero
                    switch outcome {
                    case .success: result.cycles.record(UInt64(max(0, (NIODeadline.now() - began).nanoseconds)))
                    case .failure(is EchoDriver.RunFailed):
                        break  // counted in the tally
                    case .failure(let error):
                        result.failures += 1
                        if result.firstFailure == nil { result.firstFailure = "\(error)" }
                        pause = .milliseconds(1)  // a refused connect fails at once: do not spin
                    }
                    // Next cycle from the loop, not this stack.
                    loop.assumeIsolated().scheduleTask(in: pause) { self.cycle() }
                }
        }
    }
}
