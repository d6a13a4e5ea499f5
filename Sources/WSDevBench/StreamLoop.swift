#if os(Linux)
import NIOCore

/// The threads of stream mode: each generator thread runs its share of the connections
/// (`StreamLane`) in a `LaneGroup`, in phases with the coordinator in between: open every
/// connection; read through the warm-up; read through the window, counting (the coordinator
/// reads CPU just before and just after it); close.
enum StreamLoop {
    static func run(_ plan: BenchPlan) async throws -> (threads: [LaneGroup<StreamLane>], window: CPUWindow) {
        let shared = StreamShared(plan: plan)
        let (groups, window) = try await LaneThreads.run(
            threads: plan.threads, lanes: plan.connections, tally: LoopTally.Snapshot(), lane: { StreamLane(index: $0) }
        ) { threads in
            try await threads.open(shared, window: plan.connectWindow)
            let warm = NIODeadline.now() + .nanoseconds(Int64(plan.warmup * 1e9))
            try await threads.phase { $0.read(shared, until: warm, counting: false) }
            var cpu = CPUWindow(server: plan.server, serverAlone: true)
            let stop = cpu.start + .nanoseconds(Int64(plan.seconds * 1e9))
            try await threads.phase { $0.read(shared, until: stop, counting: true) }
            cpu.close()
            try await threads.close(shared, patience: .seconds(2))
            return cpu
        }
        return (groups, window)
    }
}

extension LaneGroup where Lane == StreamLane {
    /// Reads every open lane until `until`, counting what arrives when `counting`.
    mutating func read(_ shared: StreamShared, until: NIODeadline, counting: Bool) {
        for index in lanes.indices { lanes[index].counting = counting && lanes[index].phase == .running }
        drive(shared, until: until)
        for index in lanes.indices { lanes[index].counting = false }
    }
}
#endif
