import NIOCore

/// What the connections on one event loop measured. Every connection on a loop writes to the
/// same tally from that loop's thread, so nothing is locked and memory does not grow with the
/// connection count (10,000 held connections share one histogram per thread).
final class LoopTally {
    /// Messages whose echo arrived inside the measuring window and their payload bytes, every
    /// verified echo, mismatches, errors and latencies: all of it in one value that can leave the loop.
    var counts = Snapshot()

    func mismatch(_ what: String) { counts.mismatch(what) }

    func error(_ what: String) { counts.error(what) }

    var snapshot: Snapshot { counts }

    /// A copy that may leave the loop, and the sum over loops.
    struct Snapshot: LaneTally {
        var windowMessages = 0
        var windowBytes = 0
        var echoes = 0
        var mismatches = 0
        var firstMismatch: String?
        var errors = 0
        var firstError: String?
        var latency = LatencyHistogram()
        var lastEcho = NIODeadline.uptimeNanoseconds(0)

        mutating func mismatch(_ what: String) {
            mismatches += 1
            if firstMismatch == nil { firstMismatch = what }
        }

        mutating func error(_ what: String) {
            errors += 1
            if firstError == nil { firstError = what }
        }

        mutating func add(_ other: Snapshot) {
            windowMessages += other.windowMessages
            windowBytes += other.windowBytes
            echoes += other.echoes
            mismatches += other.mismatches
            firstMismatch = firstMismatch ?? other.firstMismatch
            errors += other.errors
            firstError = firstError ?? other.firstError
            latency.merge(other.latency)
            lastEcho = max(lastEcho, other.lastEcho)
        }
    }
}

/// One tally per event loop of the generator's group.
struct Tallies: Sendable {
    let loops: [any EventLoop]
    private let tallies: [NIOLoopBound<LoopTally>]

    init(loops: [any EventLoop]) async throws {
        self.loops = loops
        var tallies: [NIOLoopBound<LoopTally>] = []
        for loop in loops {
            tallies.append(try await loop.submit { NIOLoopBound(LoopTally(), eventLoop: loop) }.get())
        }
        self.tallies = tallies
    }

    func loop(_ index: Int) -> any EventLoop { loops[index % loops.count] }
    func tally(_ index: Int) -> NIOLoopBound<LoopTally> { tallies[index % tallies.count] }

    /// Sum over loops, read on each loop.
    func total() async throws -> LoopTally.Snapshot {
        var sum = LoopTally.Snapshot()
        for tally in tallies {
            sum.add(try await tally.eventLoop.submit { tally.value.snapshot }.get())
        }
        return sum
    }
}
