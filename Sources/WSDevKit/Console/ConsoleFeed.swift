import Foundation
import NIOCore

/// One open console: the events its queue collects go out together, at most `sendDelay` after
/// the first of them, as one JSON array per message; the connections' counters and the endpoint
/// list go out once a second. A console whose socket is full gets nothing until it drains.
final class ConsoleFeed: Sendable {
    /// Long enough to gather a burst into one message, short enough that the console looks live.
    static let sendDelay: TimeAmount = .milliseconds(20)
    static let tick: TimeAmount = .seconds(1)

    let id: Int
    let socket: WebSocket
    let hub: ConsoleHub

    init(socket: WebSocket, hub: ConsoleHub) {
        self.id = socket.info.id
        self.socket = socket
        self.hub = hub
    }

    /// From any thread: the queue has something and no send is due yet.
    func scheduleSend() {
        socket.eventLoop.scheduleTask(in: Self.sendDelay) { [self] in send() }
    }

    /// On the socket's event loop.
    func send() {
        guard socket.isWritable else { return hub.hold(self) }
        guard let (events, dropped) = hub.take(self), !events.isEmpty || dropped > 0 else { return }
        var batch = events
        if dropped > 0 {
            var note = JSONObject(type: "dropped")
            note.add("frames", dropped)
            batch.append(note.json)
        }
        socket.send(.text(JSONObject.array(batch)))
    }

    /// On the socket's event loop: every open connection's counters, and the endpoints (handler
    /// files come and go).
    func sendCounts() {
        guard socket.isWritable else { return }
        var object = JSONObject(type: "stats")
        let counts = hub.registry.open.map { "\"\($0.info.id)\":" + ConsoleJSON.counts($0.stats) }
        object.add("counts", json: "{" + counts.joined(separator: ",") + "}")
        object.add("endpoints", json: ConsoleJSON.endpoints(hub.endpoints.listing))
        object.add("at", ConsoleJSON.milliseconds(Date()))
        socket.send(.text(object.json))
    }
}

/// The console's socket as its endpoint sees it: it starts the feed and ends it.
final class ConsoleSession: WebSocketDelegate {
    private let feed: ConsoleFeed
    private var ticker: RepeatedTask?

    init(feed: ConsoleFeed) {
        self.feed = feed
        feed.socket.send(.text(feed.hub.join(feed)))
        ticker = feed.socket.eventLoop.scheduleRepeatedTask(initialDelay: ConsoleFeed.tick, delay: ConsoleFeed.tick) { [feed] _ in
            feed.sendCounts()
        }
    }

    /// The console page sends nothing that matters; pausing and filtering happen in the page.
    func received(_ message: WebSocketMessage) {}

    func writable() {
        feed.send()
    }

    func closed() {
        ticker?.cancel()
        ticker = nil
        feed.hub.leave(feed)
    }
}
