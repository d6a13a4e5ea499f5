import Synchronization

/// `/chat`: every message from one client goes to every client on the same path.
///
/// Messages are relayed as they came (text as text, binary as binary). Join and leave notices
/// are JSON text that a page can tell apart from messages: `{"wsdev":"join","id":3,"clients":2}`.
public final class ChatEndpoint: WebSocketEndpoint {
    private let room = ChatRoom()

    public init() {}

    public var summary: String { "built-in chat (broadcast to everyone on this path)" }

    public func immediateAdmission(_ request: ConnectionInfo) -> Admission? {
        .acceptFirstOffered(by: request)
    }

    public func open(_ socket: WebSocket) -> any WebSocketDelegate {
        let id = socket.info.id
        let count = room.join(socket)
        room.broadcast(.text(Self.notice("join", id: id, clients: count)))
        return Member(room: room, id: id)
    }

    static func notice(_ event: String, id: Int, clients: Int) -> String {
        #"{"wsdev":"\#(event)","id":\#(id),"clients":\#(clients)}"#
    }

    private final class Member: WebSocketDelegate {
        let room: ChatRoom
        let id: Int

        init(room: ChatRoom, id: Int) {
            self.room = room
            self.id = id
        }

        func received(_ message: WebSocketMessage) {
            room.broadcast(message)
        }

        func closed() {
            let remaining = room.leave(id)
            room.broadcast(.text(ChatEndpoint.notice("leave", id: id, clients: remaining)))
        }
    }
}

/// Members of one chat path (see `Audience` for one that does not read).
final class ChatRoom: Sendable {
    private let members = Mutex<[Int: WebSocket]>([:])

    func join(_ socket: WebSocket) -> Int {
        members.withLock { $0[socket.info.id] = socket; return $0.count }
    }

    func leave(_ id: Int) -> Int {
        members.withLock { $0[id] = nil; return $0.count }
    }

    func broadcast(_ message: WebSocketMessage) {
        Audience.send(message, to: members.withLock { Array($0.values) })
    }
}
