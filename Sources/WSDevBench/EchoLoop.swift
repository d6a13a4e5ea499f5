#if os(Linux)
import Glibc
import NIOCore
import NIOPosix

/// echo, latency and bulk without NIO channels: each generator thread runs its share of the
/// connections (`EchoLane`) on plain non-blocking sockets and `poll`.
///
/// The generator shares two cores with the server it measures, so its CPU per message caps what
/// any server can show. Through NIO channels an echo cost the generator about 11 µs of CPU (a
/// `WebSocketFrameDecoder` and handler per connection, a `ByteBuffer` allocated per frame read
/// and per frame written, promises, retain/release); here it is a `write`, a share of a `poll`
/// and a `read`, with the frame parsed and checked in place.
///
/// `poll` rather than epoll: it was 5% of the generator's CPU with 25 connections a thread, most
/// of the rest being `send` (which on loopback also delivers to the server and wakes it), and
/// Swift's Glibc module does not export epoll. A single-connection thread blocking in `read`
/// instead of `poll` then `read` was measured too (latency mode, alternating runs): no difference
/// beyond the noise, so there is one path.
///
/// The run goes in three phases (open, run, close) with the coordinator in between, so that CPU
/// is read around the run alone, as the NIO engine reads it; each phase hands the thread's lanes
/// to a pool thread and back.
enum EchoLoop {
    static func run(_ plan: BenchPlan, measure: inout EchoMeasure) async throws -> LoopTally.Snapshot {
        let threads = max(1, min(plan.threads, plan.connections))
        let shared = EchoShared(plan: plan)
        var groups = (0..<threads).map { thread in
            EchoThread(lanes: Swift.stride(from: thread, to: plan.connections, by: threads).map { EchoLane(index: $0, shared: shared) })
        }
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        do {
            let window = max(1, plan.connectWindow / threads)
            groups = try await phase(groups, on: pool) { $0.open(shared, window: window) }
            let failures = groups.flatMap { $0.lanes.compactMap(\.failure) }
            if let first = failures.first {
                groups = try await phase(groups, on: pool) { $0.close(shared, patience: .milliseconds(200)) }
                throw BenchError("opened \(plan.connections - failures.count) of \(plan.connections) connections; connect: \(first)")
            }
            let run = measure.begin()
            let shares = measure
            groups = try await phase(groups, on: pool) { $0.run(run, shares, shared) }
            measure.end()
            groups = try await phase(groups, on: pool) { $0.close(shared, patience: .seconds(2)) }
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
        var total = LoopTally.Snapshot()
        for group in groups { total.add(group.tally) }
        return total
    }

    /// `work` on every thread's lanes at once, one pool thread each; back when all are done.
    private static func phase(
        _ groups: [EchoThread], on pool: NIOThreadPool, _ work: @escaping @Sendable (inout EchoThread) -> Void
    ) async throws -> [EchoThread] {
        try await withThrowingTaskGroup(of: (Int, EchoThread).self) { tasks in
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

/// One generator thread's connections and what they measured.
struct EchoThread: Sendable {
    var lanes: [EchoLane]
    var tally = LoopTally.Snapshot()

    /// Connects and handshakes every lane, at most `window` under way at once.
    mutating func open(_ shared: EchoShared, window: Int) {
        drive(shared, opening: window)
    }

    mutating func run(_ run: EchoDriver.Run, _ measure: EchoMeasure, _ shared: EchoShared) {
        for index in lanes.indices {
            lanes[index].start(measure.share(run, connection: lanes[index].index), shared, &tally)
        }
        drive(shared)
    }

    mutating func close(_ shared: EchoShared, patience: TimeAmount) {
        let until = NIODeadline.now() + patience
        for index in lanes.indices { lanes[index].beginClose(until: until, &tally) }
        drive(shared)
        for index in lanes.indices { lanes[index].end(nil, &tally) }
    }

    /// Waits on the lanes that wait for something, until none does; with `opening`, first starts
    /// idle lanes as earlier ones finish their handshakes.
    private mutating func drive(_ shared: EchoShared, opening window: Int = 0) {
        var requests = [pollfd](repeating: pollfd(), count: lanes.count)
        var waiting = [Int](repeating: 0, count: lanes.count)
        var idle = window > 0 ? 0 : lanes.count
        while true {
            if idle < lanes.count {
                var underway = 0
                for index in 0..<idle where lanes[index].phase == .upgrading { underway += 1 }
                while underway < window && idle < lanes.count {
                    lanes[idle].open(shared, now: NIODeadline.now(), &tally)
                    if lanes[idle].phase == .upgrading { underway += 1 }
                    idle += 1
                }
            }
            var count = 0
            var next: NIODeadline?
            for index in lanes.indices where lanes[index].isWaiting {
                requests[count] = lanes[index].pollRequest
                waiting[count] = index
                count += 1
                next = min(next ?? lanes[index].deadline, lanes[index].deadline)
            }
            guard let next else { break }
            var now = NIODeadline.now()
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
