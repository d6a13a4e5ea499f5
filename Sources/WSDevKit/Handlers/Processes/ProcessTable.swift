import Foundation
import NIOCore
import Synchronization

/// Every handler process this server runs: so that there is a limit to how many, and so that
/// stopping the server stops them all, whatever they do with SIGTERM.
final class ProcessTable: Sendable {
    private struct Entries {
        var processes: [pid_t: (process: ChildProcess, owner: String)] = [:]
        var perOwner: [String: Int] = [:]
    }

    private let running = Mutex(Entries())
    /// Processes at once, over all handler files.
    let limit: Int
    /// Processes at once for one handler file, so one endpoint cannot take the others' share.
    let perOwner: Int

    init(limit: Int, perOwner: Int) {
        self.limit = limit
        self.perOwner = perOwner
    }

    var count: Int { running.withLock { $0.processes.count } }

    /// Why `owner` (a handler file, as shown to people) may not start one more process now; nil
    /// when it may.
    func refusal(for owner: String) -> String? {
        let (all, mine) = running.withLock { ($0.processes.count, $0.perOwner[owner] ?? 0) }
        if all >= limit {
            return "wsdev already runs \(limit) handler processes, its limit. Close some connections and try again, or raise --max-handler-processes."
        }
        if mine >= perOwner {
            return "\(owner) already runs \(perOwner) processes, the limit for one handler. Close some connections and try again, or raise --max-processes-per-handler."
        }
        return nil
    }

    func add(_ process: ChildProcess, owner: String) {
        running.withLock { entries in
            entries.processes[process.pid] = (process, owner)
            entries.perOwner[owner, default: 0] += 1
        }
    }

    func remove(_ process: ChildProcess) {
        running.withLock { entries in
            guard let owner = entries.processes.removeValue(forKey: process.pid)?.owner else { return }
            let left = (entries.perOwner[owner] ?? 1) - 1
            entries.perOwner[owner] = left > 0 ? left : nil
        }
    }

    /// SIGTERM to every process group, SIGKILL to what is left after `grace`, and a wait (within
    /// `limit` in all) until every one is reaped: wsdev leaves no process behind.
    func stopAll(grace: Duration, limit: Duration) async {
        let all = running.withLock { $0.processes.values.map(\.process) }
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
        for process in running.withLock({ $0.processes.values.map(\.process) }) { process.signal(SIGKILL) }
    }
}
