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

/// Members of one chat path. A member that does not read what it is sent misses messages while
/// its socket is full, rather than growing the server's memory for everyone else's chatter.
final class ChatRoom: Sendable {
    private let members = Mutex<[Int: WebSocket]>([:])

    func join(_ socket: WebSocket) -> Int {
        members.withLock { $0[socket.info.id] = socket; return $0.count }
    }

    func leave(_ id: Int) -> Int {
        members.withLock { $0[id] = nil; return $0.count }
    }

    func broadcast(_ message: WebSocketMessage) {
        for socket in members.withLock({ Array($0.values) }) {
            if socket.eventLoop.inEventLoop {
                if socket.isWritable { socket.send(message) }
            } else {
                socket.eventLoop.execute { if socket.isWritable { socket.send(message) } }
            }
        }
    }
}
