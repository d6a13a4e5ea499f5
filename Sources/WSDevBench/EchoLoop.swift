#if os(Linux)
import NIOCore

/// echo, latency and bulk without NIO channels: each generator thread runs its share of the
/// connections (`EchoLane`) in a `LaneGroup`, in three phases (open, run, close) with the
/// coordinator in between, so that CPU is read around the run alone, as the NIO engine reads it.
enum EchoLoop {
    static func run(_ plan: BenchPlan, measure: inout EchoMeasure) async throws -> LoopTally.Snapshot {
        let shared = EchoShared(plan: plan)
        let groups = try await LaneThreads.run(
            threads: plan.threads, lanes: plan.connections, tally: LoopTally.Snapshot(),
            lane: { EchoLane(index: $0, shared: shared) }
        ) { threads in
            try await threads.open(shared, window: plan.connectWindow)
            let run = measure.begin()
            let shares = measure
            try await threads.phase { $0.run(run, shares, shared) }
            measure.end()
            try await threads.close(shared, patience: .seconds(2))
        }.groups
        var total = LoopTally.Snapshot()
        for group in groups { total.add(group.tally) }
        return total
    }
}

/// One generator thread's echo connections.
typealias EchoThread = LaneGroup<EchoLane>

extension LaneGroup where Lane == EchoLane {
    init(lanes: [EchoLane]) { self.init(lanes: lanes, tally: LoopTally.Snapshot()) }

    /// Every lane's share of `run`, until every lane has finished it.
    mutating func run(_ run: EchoDriver.Run, _ measure: EchoMeasure, _ shared: EchoShared) {
        for index in lanes.indices {
            lanes[index].start(measure.share(run, connection: lanes[index].index), shared, &tally)
        }
        drive(shared)
    }
}
#endif
