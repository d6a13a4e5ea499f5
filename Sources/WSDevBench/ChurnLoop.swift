#if os(Linux)
import Glibc
import NIOCore
import NIOPosix

/// churn without NIO channels: each generator thread runs its share of the lanes with plain
/// non-blocking sockets and `poll`.
///
/// Against a trivial C echo server, NIO's `ClientBootstrap` path cost 170–370 µs of client CPU
/// per connection (channel, pipeline and handler objects, promises, selector registration and
/// the deregistration dance on close), more than the kernel's own connect/accept/close work; on
/// two cores shared with the server that capped churn near 6–9k connections/s whatever the
/// server. Here a cycle is about a dozen system calls and no allocation. `poll` rather than
/// epoll: a thread has a handful of lanes (8 over 2 threads by default), so passing their fds
/// on every wait is cheaper than an `epoll_ctl` per connection.
enum ChurnLoop {
    static func run(_ plan: BenchPlan, stop: NIODeadline) async throws -> ChurnTally {
        let lanes = max(1, plan.lanes)
        let threads = max(1, min(plan.threads, lanes))
        let setup = ChurnShared(plan: plan, stop: stop)
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        let total = await withTaskGroup(of: ChurnTally?.self) { group in
            for thread in 0..<threads {
                group.addTask { try? await pool.runIfActive { runThread(thread, of: threads, lanes: lanes, setup) } }
            }
            var total = ChurnTally()
            for await tally in group {
                if let tally { total.add(tally) } else { total.counts.error("a churn thread could not start") }
            }
            return total
        }
        try await pool.shutdownGracefully()
        return total
    }

    /// Lanes `thread`, `thread + threads`, … until every one has passed `stop`.
    private static func runThread(_ thread: Int, of threads: Int, lanes total: Int, _ shared: ChurnShared) -> ChurnTally {
        var lanes = Swift.stride(from: thread, to: total, by: threads).map {
            // `start` adds the stride first, so the first connection is number `lane`.
            ChurnLane(number: $0 - total, stride: total)
        }
        var tally = ChurnTally()
        var requests = [pollfd](repeating: pollfd(), count: lanes.count)
        var now = NIODeadline.now()
        for index in lanes.indices { lanes[index].start(shared, &tally, now: now) }
        while true {
            var next: NIODeadline?
            for lane in lanes where lane.phase != .done { next = min(next ?? lane.deadline, lane.deadline) }
            guard let next else { break }
            for index in lanes.indices { requests[index] = lanes[index].pollRequest }
            // Milliseconds, rounded up so as not to spin just before a deadline; capped so that
            // a clock step cannot stall the run.
            let wait = next <= now ? 0 : Int32(min(100, (next - now).nanoseconds / 1_000_000 + 1))
            let ready = requests.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), wait) }
            now = NIODeadline.now()
            if ready > 0 {
                for index in lanes.indices where requests[index].revents != 0 {
                    lanes[index].handle(requests[index].revents, shared, &tally, now: now)
                }
            }
            for index in lanes.indices where lanes[index].deadline <= now {
                switch lanes[index].phase {
                case .idle: lanes[index].start(shared, &tally, now: now)
                case .done: break
                default: lanes[index].expire(shared, &tally, now: now)
                }
            }
        }
        return tally
    }
}

/// What every lane shares: the target, the message, and the request's fixed parts.
struct ChurnShared: Sendable {
    let target: BenchTarget
    let payload: Payload
    let maxMessage: Int
    let stop: NIODeadline
    let request: UpgradeRequest

    init(plan: BenchPlan, stop: NIODeadline) {
        target = plan.target
        payload = Payload(size: plan.size, binary: plan.binary)
        maxMessage = plan.maxMessage
        self.stop = stop
        request = UpgradeRequest(target: plan.target)
    }
}
#endif
