#if os(Linux)
import NIOCore

/// churn without NIO channels: each generator thread runs its share of the lanes (`ChurnLane`)
/// in a `LaneGroup`, in one phase that ends when every lane has passed the stop.
enum ChurnLoop {
    static func run(_ plan: BenchPlan, stop: NIODeadline) async throws -> ChurnTally {
        let lanes = max(1, plan.lanes)
        let shared = ChurnShared(plan: plan, stop: stop)
        let groups = try await LaneThreads.run(
            threads: plan.threads, lanes: lanes, tally: ChurnTally(),
            // `open` adds the stride first, so the first connection is number `lane`.
            lane: { ChurnLane(number: $0 - lanes, stride: lanes) }
        ) { threads in
            try await threads.phase { $0.churn(shared) }
        }.groups
        var total = ChurnTally()
        for group in groups { total.add(group.tally) }
        return total
    }
}

extension LaneGroup where Lane == ChurnLane {
    /// Cycles every lane until the stop; a cycle under way then finishes.
    mutating func churn(_ shared: ChurnShared) {
        let now = NIODeadline.now()
        for index in lanes.indices { lanes[index].open(shared, now: now, &tally) }
        drive(shared)
    }
}
#endif
