import Foundation
import NIOCore
import Synchronization

/// Every handler process this server runs: so that there is a limit to how many, and so that
/// stopping the server stops them all, whatever they do with SIGTERM.
final class ProcessTable: Sendable {
    private let running = Mutex<[pid_t: ChildProcess]>([:])
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var count: Int { running.withLock { $0.count } }

    /// Room for one more process; false when the limit is reached.
    var hasRoom: Bool { count < limit }

    func add(_ process: ChildProcess) { running.withLock { $0[process.pid] = process } }
    func remove(_ process: ChildProcess) { _ = running.withLock { $0.removeValue(forKey: process.pid) } }

    /// SIGTERM to every process group, SIGKILL to what is left after `grace`, and a wait (within
    /// `limit` in all) until every one is reaped: wsdev leaves no process behind.
    func stopAll(grace: Duration, limit: Duration) async {
        let all = running.withLock { Array($0.values) }
        guard !all.isEmpty else { return }
        for process in all { process.signal(SIGTERM) }
        let start = ContinuousClock.now
        var killed = false
        while ContinuousClock.now - start < limit {
            let left = all.filter { $0.exitStatus == nil }
            if left.isEmpty { break }
            if !killed, ContinuousClock.now - start >= grace {
                killed = true
                for process in left { process.signal(SIGKILL) }
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        // Groups whose leader has gone may still hold children that ignored SIGTERM.
        for process in all { process.signal(SIGKILL) }
    }

    /// SIGKILL to every group at once, for an exit that cannot wait: nothing keeps running after us.
    func killAll() {
        for process in running.withLock({ Array($0.values) }) { process.signal(SIGKILL) }
    }
}
