import NIOCore
import Synchronization

/// The live consoles of this run: it watches `SocketEvents` while at least one console is open
/// (and `grace` after the last one closes, so reloading the console keeps its history), keeps
/// the recent past (`ConsoleHistory`), and hands each event to every console's queue.
///
/// While no console is open nothing watches the frames, so the engine builds no event per
/// message: the per-connection facts a console shows on opening (who, where, counters) come
/// from `SessionRegistry`, which is kept anyway. Frames from before the first console opened are
/// therefore not shown; everything from then on is, up to `frameLimit` per connection.
final class ConsoleHub: Sendable {
    /// How long history is kept after the last console closes.
    static let grace: TimeAmount = .seconds(30)
    /// Frames queued for one console between two sends; beyond it they are counted, not kept, so a
    /// console that cannot keep up (a benchmark's flood) costs bounded memory.
    static let queueLimit = 1000

    private struct Queue {
        let feed: ConsoleFeed
        var events: [String] = []
        var frames = 0
        var dropped = 0
        var sendScheduled = false
    }

    private struct State {
        var history: ConsoleHistory
        var queues: [Int: Queue] = [:]
        /// The `SocketEvents` watch, while there is one.
        var watch: Int?
        /// Changes whenever a console comes or goes, so a late grace timer does nothing.
        var generation = 0
    }

    let events: SocketEvents
    let registry: SessionRegistry
    let endpoints: EndpointTable
    let frameLimit: Int
    private let state: Mutex<State>

    init(events: SocketEvents, registry: SessionRegistry, endpoints: EndpointTable, frameLimit: Int) {
        self.events = events
        self.registry = registry
        self.endpoints = endpoints
        self.frameLimit = frameLimit
        self.state = Mutex(State(history: ConsoleHistory(limit: frameLimit)))
    }

    var consoleCount: Int { state.withLock { $0.queues.count } }

    /// Adds a console; returns its first message: the endpoints, the open connections with their
    /// counters, and the history kept so far.
    func join(_ feed: ConsoleFeed) -> String {
        let (history, open) = state.withLock { state -> ([String], [SessionRegistry.Entry]) in
            if state.watch == nil {
                state.history = ConsoleHistory(limit: frameLimit)
                state.history.seed(registry.open)
                state.watch = events.watch(.all) { [self] event in record(event) }
            }
            state.queues[feed.id] = Queue(feed: feed)
            state.generation += 1
            // Under the lock, so that no event falls between the history and the queue.
            return (state.history.replay(), registry.open)
        }
        var hello = JSONObject(type: "hello")
        hello.add("version", WSDev.version)
        hello.add("frameLimit", frameLimit)
        hello.add("endpoints", json: ConsoleJSON.endpoints(endpoints.listing))
        hello.add("history", json: JSONObject.array(history))
        hello.add("connections", json: JSONObject.array(open.map(ConsoleJSON.connection)))
        return hello.json
    }

    /// Removes a console; after the last one, history is kept `grace` longer, then dropped.
    func leave(_ feed: ConsoleFeed) {
        let generation = state.withLock { state -> Int? in
            state.queues[feed.id] = nil
            state.generation += 1
            return state.queues.isEmpty ? state.generation : nil
        }
        guard let generation else { return }
        feed.socket.eventLoop.scheduleTask(in: Self.grace) { [self] in stopWatching(ifStill: generation) }
    }

    private func stopWatching(ifStill generation: Int) {
        let watch = state.withLock { state -> Int? in
            guard state.generation == generation, state.queues.isEmpty, let watch = state.watch else { return nil }
            state.watch = nil
            state.history = ConsoleHistory(limit: frameLimit)
            return watch
        }
        if let watch { events.stopWatching(watch) }
    }

    /// One event from any event loop: kept, and queued for every console.
    private func record(_ event: SocketEvent) {
        let json = ConsoleJSON.event(event)
        let isFrame = if case .frame = event { true } else { false }
        let toSchedule = state.withLock { state -> [ConsoleFeed] in
            state.history.record(event, json: json)
            var schedule: [ConsoleFeed] = []
            for id in Array(state.queues.keys) {
                if isFrame, state.queues[id]!.frames >= Self.queueLimit {
                    state.queues[id]!.dropped += 1
                    continue
                }
                state.queues[id]!.events.append(json)
                if isFrame { state.queues[id]!.frames += 1 }
                if !state.queues[id]!.sendScheduled {
                    state.queues[id]!.sendScheduled = true
                    schedule.append(state.queues[id]!.feed)
                }
            }
            return schedule
        }
        for feed in toSchedule { feed.scheduleSend() }
    }

    /// What a console's queue holds, emptied; nil when it has left.
    func take(_ feed: ConsoleFeed) -> (events: [String], dropped: Int)? {
        state.withLock { state in
            guard var queue = state.queues[feed.id] else { return nil }
            let taken = (queue.events, queue.dropped)
            queue.events = []
            queue.frames = 0
            queue.dropped = 0
            queue.sendScheduled = false
            state.queues[feed.id] = queue
            return taken
        }
    }

    /// Leaves the queue's events for a later send (the console's socket is full); a send is due
    /// when it can take more.
    func hold(_ feed: ConsoleFeed) {
        state.withLock { state in state.queues[feed.id]?.sendScheduled = true }
    }
}
