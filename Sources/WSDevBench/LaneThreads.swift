#if os(Linux)
import NIOCore
import NIOPosix

/// The generator threads of a plain-socket run: the lanes dealt out over `LaneGroup`s (lane n to
/// group n % threads), and phases in which every group works at once on a pool thread of its
/// own and hands its lanes back. The coordinator runs between phases, so it can read CPU around
/// the measured one alone (not the connection set-up, not the close handshakes).
struct LaneThreads<Lane: SocketLane> {
    private(set) var groups: [LaneGroup<Lane>]
    private let pool: NIOThreadPool

    /// `lanes` lanes made by `lane(number)` on up to `threads` threads, through `body`'s phases;
    /// the groups as the last phase left them, and what `body` returned.
    static func run<Result>(
        threads: Int, lanes: Int, tally: Lane.Tally, lane: (Int) -> Lane, _ body: (inout LaneThreads) async throws -> Result
    ) async throws -> (groups: [LaneGroup<Lane>], result: Result) {
        let threads = max(1, min(threads, lanes))
        var this = LaneThreads(
            groups: (0..<threads).map { thread in
                LaneGroup(lanes: stride(from: thread, to: lanes, by: threads).map(lane), tally: tally)
            },
            pool: NIOThreadPool(numberOfThreads: threads))
        this.pool.start()
        let result: Result
        do {
            result = try await body(&this)
        } catch {
            try? await this.pool.shutdownGracefully()
            throw error
        }
        try await this.pool.shutdownGracefully()
        return (this.groups, result)
    }

    /// `work` on every group at once, one pool thread each; back when all are done.
    mutating func phase(_ work: @escaping @Sendable (inout LaneGroup<Lane>) -> Void) async throws {
        let (pool, groups) = (pool, groups)
        self.groups = try await withThrowingTaskGroup(of: (Int, LaneGroup<Lane>).self) { tasks in
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

    /// Connects and handshakes every lane, `window` handshakes under way at once over all
    /// threads. If any could not open, closes the others and throws, naming the first failure.
    mutating func open(_ shared: Lane.Shared, window: Int) async throws {
        let share = max(1, window / groups.count)
        try await phase { $0.open(shared, window: share) }
        let lanes = groups.reduce(0) { $0 + $1.lanes.count }
        let failures = groups.flatMap { $0.lanes.compactMap(\.failure) }
        if let first = failures.first {
            try await close(shared, patience: .milliseconds(200))
            throw BenchError("opened \(lanes - failures.count) of \(lanes) connections; connect: \(first)")
        }
    }

    mutating func close(_ shared: Lane.Shared, patience: TimeAmount) async throws {
        try await phase { $0.close(shared, patience: patience) }
    }
}
#endif
