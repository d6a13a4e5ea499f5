import NIOCore

/// echo, latency and bulk: connections send, wait for the echo, check it, send the next.
enum EchoRun {
    /// `tallies` (NIO's event loops) runs the connections as NIO channels; without them, they run
    /// on plain sockets (`EchoLoop`, Linux), which costs the generator far less per message.
    static func run(_ plan: BenchPlan, tallies: Tallies?) async throws -> BenchReport {
        var measure = EchoMeasure(plan: plan)
        let tally: LoopTally.Snapshot
        if let tallies {
            tally = try await channels(plan, tallies: tallies, measure: &measure)
        } else {
            #if os(Linux)
            tally = try await EchoLoop.run(plan, measure: &measure)
            #else
            throw BenchError("echo without NIO channels needs Linux")
            #endif
        }
        return measure.report(tally)
    }

    /// One NIO channel per connection, driven by an `EchoDriver`.
    private static func channels(_ plan: BenchPlan, tallies: Tallies, measure: inout EchoMeasure) async throws -> LoopTally.Snapshot {
        let payload = Payload(size: plan.size, binary: plan.binary)
        let connector = Connector(target: plan.target, payload: payload, tallies: tallies, maxMessage: plan.maxMessage)
        let setup = await OpenMany(connector, count: plan.connections, window: plan.connectWindow)
        guard setup.failures == 0 else {
            for connection in setup.opened { _ = try? await connection.close(patience: .milliseconds(200)).get() }
            throw BenchError("opened \(setup.opened.count) of \(plan.connections) connections; \(setup.firstFailure ?? "")")
        }
        let run = measure.begin()
        let connections = setup.opened
        var futures: [EventLoopFuture<Void>] = []
        for (index, connection) in connections.enumerated() {
            futures.append(connection.start(measure.share(run, connection: index)))
        }
        for future in futures { try? await future.get() }  // failures are in the tally
        measure.end()
        for connection in connections { _ = try? await connection.close().get() }
        return try await tallies.total()
    }
}
