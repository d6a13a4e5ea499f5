/// What a console that opens later is shown of the recent past: for each connection (open, or
/// among the last `closedKept` to close) how it opened, its last `limit` frames, failures and
/// handler lines, and how it closed; and the last `limit` events of no connection (refusals).
///
/// Events are kept as the JSON the console receives, each with a sequence number, so that a
/// replay is in the order things happened across connections.
struct ConsoleHistory {
    typealias Numbered = (sequence: Int, json: String)

    private struct Connection {
        var opened: Numbered?
        var frames: Ring<Numbered>
        var closed: Numbered?
    }

    /// Closed connections whose history is kept, so a console reloaded after a student's socket
    /// dropped still shows how it ended.
    static let closedKept = 32

    let limit: Int
    private var next = 0
    private var connections: [Int: Connection] = [:]
    private var closedOrder: [Int] = []
    private var general: Ring<Numbered>

    init(limit: Int) {
        self.limit = limit
        self.general = Ring(capacity: limit)
    }

    /// The connections already open when the console started watching.
    mutating func seed(_ entries: [SessionRegistry.Entry]) {
        for entry in entries { record(id: entry.info.id, opened: ConsoleJSON.connection(entry)) }
    }

    mutating func record(_ event: SocketEvent, json: String) {
        switch event {
        case .opened(let opened): record(id: opened.id, opened: json)
        case .frame(let frame): append(json, to: frame.id)
        case .failed(let failed): append(json, to: failed.id)
        case .handlerLog(let id?, _, _, _): append(json, to: id)
        case .handlerLog(nil, _, _, _), .refused: general.append(number(json))
        case .closed(let id, _, _): close(id, json)
        }
    }

    /// Everything kept, oldest first.
    func replay() -> [String] {
        var all = general.all
        for connection in connections.values {
            if let opened = connection.opened { all.append(opened) }
            all += connection.frames.all
            if let closed = connection.closed { all.append(closed) }
        }
        return all.sorted { $0.sequence < $1.sequence }.map(\.json)
    }

    private mutating func number(_ json: String) -> Numbered {
        next += 1
        return (next, json)
    }

    private mutating func record(id: Int, opened json: String) {
        connections[id] = Connection(opened: number(json), frames: Ring(capacity: limit))
    }

    private mutating func append(_ json: String, to id: Int) {
        let numbered = number(json)
        connections[id, default: Connection(frames: Ring(capacity: limit))].frames.append(numbered)
    }

    private mutating func close(_ id: Int, _ json: String) {
        connections[id, default: Connection(frames: Ring(capacity: limit))].closed = number(json)
        closedOrder.append(id)
        if closedOrder.count > Self.closedKept {
            connections[closedOrder.removeFirst()] = nil
        }
    }
}
