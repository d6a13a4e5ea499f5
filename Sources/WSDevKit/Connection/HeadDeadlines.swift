import NIOCore

/// The connections of one event loop still waiting for their first request head, looked at
/// together a few times per timeout rather than each with a timer of its own: scheduling a timer
/// for every connection and cancelling it when the head came was ~5,900 instructions of each
/// WebSocket connection's cost (Benchmarks/README, "What limits wsdev", 8). A head that has not
/// arrived is answered 408 between one and 1¼ timeouts after the connection was accepted.
final class HeadDeadlines: @unchecked Sendable {
    private static let looksPerTimeout: Int64 = 4
    private let loop: any EventLoop
    private let timeout: TimeAmount
    /// Event loop only, as everything below.
    private var waiting: [(reader: FirstRequest, deadline: NIODeadline)] = []
    private var look: Scheduled<Void>?
    /// Readers whose head came stay listed until the next look; past this many, `add` drops them
    /// first, so a burst of connections does not keep their readers for a whole look.
    private var compactAt = 1024

    init(loop: any EventLoop, timeout: TimeAmount) {
        self.loop = loop
        self.timeout = timeout
    }

    func add(_ reader: FirstRequest) {
        loop.preconditionInEventLoop()
        if waiting.count >= compactAt {
            waiting.removeAll { !$0.reader.waitsForHead }
            compactAt = max(1024, waiting.count * 2)
        }
        waiting.append((reader, .now() + timeout))
        if look == nil { scheduleLook() }
    }

    private func scheduleLook() {
        let every = TimeAmount.nanoseconds(max(timeout.nanoseconds / Self.looksPerTimeout, 10_000_000))
        look = loop.assumeIsolated().scheduleTask(in: every) { [self] in lookNow() }
    }

    private func lookNow() {
        look = nil
        let now = NIODeadline.now()
        var late: [FirstRequest] = []
        waiting.removeAll { entry in
            guard entry.reader.waitsForHead else { return true }
            guard entry.deadline <= now else { return false }
            late.append(entry.reader)
            return true
        }
        for reader in late { reader.headTimedOut() }
        if !waiting.isEmpty { scheduleLook() }
    }
}
