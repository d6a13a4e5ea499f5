#if os(Linux)
import NIOCore
import NIOPosix

/// large: one connection, one message of a fixed size at a time (64 KiB or 1 MiB through a
/// script handler, say), each echo checked byte for byte as in echo mode.
///
/// Echo mode counts a message only when its echo arrives inside the window, which suits servers
/// that answer in microseconds; a server that takes 1.7 s per 1 MiB message would show 0 msg/s
/// there, or an error. Here every message sent after the warm-up counts when its echo arrives,
/// even after the window (no new message leaves after it), and the rate is taken over the time
/// those messages took: from the first one's send to the last one's echo. A message still
/// outstanding `grace` seconds after the window is not an error but `timedOut`, with the figures
/// of the echoes that did complete; so a slow server costs a bounded time and still gets a figure.
///
/// Each message is one `EchoLane` run of one message, on the plain-socket engine (`EchoLoop`'s
/// lanes): the same handshake, framing, checks and close handshake as echo mode.
enum LargeRun {
    static func run(_ plan: BenchPlan) async throws -> BenchReport {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let outcome: Result<BenchReport, BenchError>
        do {
            outcome = try await pool.runIfActive { measure(plan) }
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
        return try outcome.get()
    }

    /// The whole run on the calling thread: it blocks in `poll`.
    private static func measure(_ plan: BenchPlan) -> Result<BenchReport, BenchError> {
        var plan = plan
        plan.connections = 1
        plan.depth = 1
        plan.messages = nil
        let shared = EchoShared(plan: plan)
        var thread = EchoThread(lanes: [EchoLane(index: 0, shared: shared)])
        thread.open(shared, window: 1)
        if let failure = thread.lanes[0].failure {
            return .failure(BenchError("opened 0 of 1 connections; connect: \(failure)"))
        }
        var cpu = CPUWindow(server: plan.server)
        let start = cpu.start
        let windowStart = start + .nanoseconds(Int64(plan.warmup * 1e9))
        let stopSending = windowStart + .nanoseconds(Int64(plan.seconds * 1e9))
        let giveUp = stopSending + .nanoseconds(Int64(plan.grace * 1e9))
        let measure = EchoMeasure(plan: plan)
        var firstCounted: NIODeadline?
        var lastCounted = start
        var lastSend = start
        var timedOut = false
        while thread.lanes[0].phase == .open {
            lastSend = NIODeadline.now()
            // Past the window, one more message only if none counted yet because the warm-up's
            // echo came late (not because the echoes were wrong).
            guard lastSend < stopSending || (firstCounted == nil && thread.tally.mismatches == 0 && lastSend < giveUp) else { break }
            var run = EchoDriver.Run(messages: 1, giveUp: giveUp)
            // The tally counts (and times) the echo only if the message left after the warm-up.
            run.windowStart = windowStart
            let before = thread.tally
            thread.run(run, measure, shared)
            let after = thread.tally
            if after.errors > before.errors {
                // The lane gives up at `giveUp` with "gave up waiting": that is the time-out.
                if NIODeadline.now() >= giveUp && after.errors == before.errors + 1 && thread.lanes[0].phase == .closed {
                    timedOut = true
                    thread.tally.errors = before.errors
                    thread.tally.firstError = before.firstError
                }
                break
            }
            if after.windowMessages > before.windowMessages {
                firstCounted = firstCounted ?? lastSend
                lastCounted = after.lastEcho
            }
        }
        cpu.close()
        thread.close(shared, patience: .seconds(2))

        let tally = thread.tally
        var report = BenchReport(plan: plan)
        report.size = plan.size
        report.opcode = plan.binary ? "binary" : "text"
        report.depth = 1
        report.threads = 1
        // Counted echoes over their time; if none was counted but the warm-up's echo came, that
        // one over its time; with no echo at all, 0 and `seconds` is how long it was waited for.
        let (messages, seconds): (Int, Double)
        if let firstCounted {
            (messages, seconds) = (tally.windowMessages, Double((lastCounted - firstCounted).nanoseconds) / 1e9)
        } else if tally.echoes > 0 {
            (messages, seconds) = (tally.echoes, Double((tally.lastEcho - start).nanoseconds) / 1e9)
        } else {
            (messages, seconds) = (0, Double((NIODeadline.now() - lastSend).nanoseconds) / 1e9)
        }
        report.messages = messages
        report.seconds = (seconds * 1000).rounded() / 1000
        report.msgsPerSecond = (Double(messages) / max(1e-9, seconds) * 100).rounded() / 100
        report.mbPerSecond = (Double(messages * plan.size) / max(1e-9, seconds) / 1e4).rounded() / 100
        report.timedOut = timedOut ? true : nil
        report.fill(latency: tally.latency)
        report.fill(tally: tally)
        report.fill(cpu: cpu, echoes: tally.echoes)
        return .success(report)
    }
}
#endif
