#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// `wsdev bench`: a WebSocket load generator on SwiftNIO that checks every echoed byte.
public enum LoadGenerator {
    public static func run(_ plan: BenchPlan) async throws -> BenchReport {
        raiseFileLimit()
        #if os(Linux)
        if plan.mode == .large { return try await LargeRun.run(plan) }
        if plan.mode == .stream { return try await StreamRun.run(plan) }
        if plan.mode == .churn && !plan.channelChurn { return try await ChurnRun.run(plan, tallies: nil) }
        if [.echo, .latency, .bulk].contains(plan.mode) && !plan.channelEcho { return try await EchoRun.run(plan, tallies: nil) }
        #endif
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, plan.threads))
        do {
            let tallies = try await Tallies(loops: Array(group.makeIterator()))
            let report: BenchReport
            switch plan.mode {
            case .echo, .latency, .bulk: report = try await EchoRun.run(plan, tallies: tallies)
            case .hold: report = try await HoldRun.run(plan, tallies: tallies)
            case .churn: report = try await ChurnRun.run(plan, tallies: tallies)
            case .large, .stream: throw BenchError("\(plan.mode.rawValue) runs on plain sockets, which need Linux")
            }
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// 10,000 connections need more descriptors than the usual soft limit of 1024.
    static func raiseFileLimit() {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(RLIMIT_NOFILE_VALUE, &limit)
    }

    #if canImport(Glibc)
    private static let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
    #endif
}
