import Foundation
import NIOCore
import Synchronization

/// Every handler process this server runs: so that there is a limit to how many, and so that
/// stopping the server stops them all, whatever they do with SIGTERM.
final class ProcessTable: Sendable {
    private struct Entries {
        var processes: [pid_t: ChildProcess] = [:]
        /// Processes running or promised (a handshake admitted, its process not started yet).
        var total = 0
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

    /// Counts a process for `owner` (a handler file, as shown to people) before it starts, at the
    /// handshake, so that handshakes on other event loops see it; nil when there is room,
    /// otherwise why there is not. Each reservation ends with `release`, or with `add` then `remove`.
    func reserve(for owner: String) -> String? {
        running.withLock { entries in
            if entries.total >= limit {
                return "wsdev already runs \(limit) handler processes, its limit. Close some connections and try again, or raise --max-handler-processes."
            }
            if entries.perOwner[owner, default: 0] >= perOwner {
                return "\(owner) already runs \(perOwner) processes, the limit for one handler. Close some connections and try again, or raise --max-processes-per-handler."
            }
            entries.total += 1
            entries.perOwner[owner, default: 0] += 1
            return nil
        }
    }

    /// A reservation whose process was never started.
    func release(for owner: String) {
        running.withLock { entries in
            entries.total -= 1
            let left = entries.perOwner[owner, default: 1] - 1
            entries.perOwner[owner] = left > 0 ? left : nil
        }
    }

    /// The started process of a reservation.
    func add(_ process: ChildProcess) {
        running.withLock { $0.processes[process.pid] = process }
    }

    /// Its process has ended: the reservation too.
    func remove(_ process: ChildProcess, owner: String) {
        guard running.withLock({ $0.processes.removeValue(forKey: process.pid) }) != nil else { return }
        release(for: owner)
    }

    /// SIGTERM to every process group, SIGKILL to what is left after `grace`, and a wait (within
    /// `limit` in all) until every one is reaped: wsdev leaves no process behind.
    func stopAll(grace: Duration, limit: Duration) async {
        let all = running.withLock { Array($0.processes.values) }
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
        for process in running.withLock({ Array($0.processes.values) }) { process.signal(SIGKILL) }
    }
}
