#if os(Linux)
import Glibc
import NIOCore
import NIOPosix

/// The threads of stream mode: each generator thread runs its share of the connections
/// (`StreamLane`) on plain sockets and `poll`, in phases with the coordinator in between, as
/// `EchoLoop` does: open every connection; read through the warm-up; read through the window,
/// counting (the coordinator reads CPU just before and just after it); close.
enum StreamLoop {
    struct Window {
        var seconds = 0.0
        var serverCPU: Double?
        var serverOwnCPU: Double?
        var clientCPU = 0.0
        var rss: Int?
    }

    static func run(_ plan: BenchPlan) async throws -> (threads: [StreamThread], window: Window) {
        let threads = max(1, min(plan.threads, plan.connections))
        let shared = StreamShared(plan: plan)
        var groups = (0..<threads).map { thread in
            StreamThread(lanes: Swift.stride(from: thread, to: plan.connections, by: threads).map { StreamLane(index: $0) })
        }
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        var window = Window()
        do {
            let connectWindow = max(1, plan.connectWindow / threads)
            groups = try await phase(groups, on: pool) { $0.open(shared, window: connectWindow) }
            let failures = groups.flatMap { $0.lanes.compactMap(\.failure) }
            if let first = failures.first {
                groups = try await phase(groups, on: pool) { $0.close(shared, patience: .milliseconds(200)) }
                throw BenchError("opened \(plan.connections - failures.count) of \(plan.connections) connections; connect: \(first)")
            }
            let warm = NIODeadline.now() + .nanoseconds(Int64(plan.warmup * 1e9))
            groups = try await phase(groups, on: pool) { $0.read(shared, until: warm, counting: false) }
            let server = plan.server
            let serverCPU = server?.cpuSeconds()
            let serverOwnCPU = server?.cpuSeconds(descendants: false)
            let clientCPU = ProcessProbe.ownCPUSeconds()
            let start = NIODeadline.now()
            let stop = start + .nanoseconds(Int64(plan.seconds * 1e9))
            groups = try await phase(groups, on: pool) { $0.read(shared, until: stop, counting: true) }
            window.seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
            window.serverCPU = server?.cpuSeconds().flatMap { now in serverCPU.map { now - $0 } }
            window.serverOwnCPU = server?.cpuSeconds(descendants: false).flatMap { now in serverOwnCPU.map { now - $0 } }
            window.clientCPU = ProcessProbe.ownCPUSeconds() - clientCPU
            window.rss = server?.residentKiB()
            groups = try await phase(groups, on: pool) { $0.close(shared, patience: .seconds(2)) }
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
        return (groups, window)
    }

    /// `work` on every thread's lanes at once, one pool thread each; back when all are done.
    private static func phase(
        _ groups: [StreamThread], on pool: NIOThreadPool, _ work: @escaping @Sendable (inout StreamThread) -> Void
    ) async throws -> [StreamThread] {
        try await withThrowingTaskGroup(of: (Int, StreamThread).self) { tasks in
            for (number, group) in groups.enumerated() {
                tasks.addTask {
                    try await pool.runIfActive {
                        var group = group
                        work(&group)
                        return (number, group)
                    }
                }
            }
            var result = groups
            for try await (number, group) in tasks { result[number] = group }
            return result
        }
    }
}

/// One generator thread's stream connections and what they counted.
struct StreamThread: Sendable {
    var lanes: [StreamLane]
    var tally = LoopTally.Snapshot()

    /// Connects and handshakes every lane, at most `window` under way at once.
    mutating func open(_ shared: StreamShared, window: Int) {
        var started = 0
        while true {
            let underway = lanes[..<started].filter { $0.phase == .upgrading }.count
            let now = NIODeadline.now()
            for _ in 0..<max(0, min(window - underway, lanes.count - started)) {
                lanes[started].open(shared, now: now, &tally)
                started += 1
            }
            guard started < lanes.count || lanes.contains(where: { $0.phase == .upgrading }) else { return }
            drive(shared, until: .distantFuture) { $0.phase == .upgrading }
        }
    }

    /// Reads every open lane until `until`.
    mutating func read(_ shared: StreamShared, until: NIODeadline, counting: Bool) {
        for index in lanes.indices where lanes[index].phase == .open { lanes[index].counting = counting }
        drive(shared, until: until, whileAny: nil)
        for index in lanes.indices { lanes[index].counting = false }
    }

    mutating func close(_ shared: StreamShared, patience: TimeAmount) {
        let until = NIODeadline.now() + patience
        for index in lanes.indices { lanes[index].beginClose(until: until, &tally) }
        drive(shared, until: .distantFuture) { $0.phase == .closing }
        for index in lanes.indices { lanes[index].end(nil, &tally) }
    }

    /// Polls the waiting lanes until `until`, or (with `whileAny`) until no lane matches it, or
    /// until none waits; lanes whose own deadline passes expire.
    private mutating func drive(_ shared: StreamShared, until: NIODeadline, whileAny: ((StreamLane) -> Bool)?) {
        var requests = [pollfd](repeating: pollfd(), count: lanes.count)
        var waiting = [Int](repeating: 0, count: lanes.count)
        while true {
            if let whileAny, !lanes.contains(where: whileAny) { return }
            var count = 0
            var next = until
            for index in lanes.indices where lanes[index].isWaiting {
                requests[count] = lanes[index].pollRequest
                waiting[count] = index
                count += 1
                next = min(next, lanes[index].deadline)
            }
            var now = NIODeadline.now()
            guard count > 0, now < until else { return }
            // Milliseconds, rounded up so as not to spin just before a deadline; capped so that
            // a clock step cannot stall the run.
            let wait = next <= now ? 0 : Int32(min(100, (next - now).nanoseconds / 1_000_000 + 1))
            let ready = requests.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t(count), wait) }
            if ready > 0 {
                for slot in 0..<count where requests[slot].revents != 0 {
                    lanes[waiting[slot]].handle(requests[slot].revents, shared, &tally)
                }
            }
            now = NIODeadline.now()
            for slot in 0..<count where lanes[waiting[slot]].isWaiting && lanes[waiting[slot]].deadline <= now {
                lanes[waiting[slot]].expire(&tally)
            }
        }
    }
}
#endif
