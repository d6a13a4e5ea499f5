import Foundation
import NIOCore
import Synchronization
import WSCore

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

    public func serve(_ connection: WebSocketConnection) async throws {
        let id = connection.info.id
        let (mailbox, post) = AsyncStream<WebSocketOutboundWriter.OutboundFrame>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let count = room.join(id, post)
        room.broadcast(.text(Self.notice("join", id: id, clients: count)))
        defer {
            let remaining = room.leave(id)
            room.broadcast(.text(Self.notice("leave", id: id, clients: remaining)))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in mailbox { try await connection.outbound.write(frame) }
            }
            for try await message in connection.messages {
                switch message {
                case .text(let text): room.broadcast(.text(text))
                case .binary(let data): room.broadcast(.binary(data))
                }
            }
            post.finish()
            group.cancelAll()
        }
    }

    static func notice(_ event: String, id: Int, clients: Int) -> String {
        #"{"wsdev":"\#(event)","id":\#(id),"clients":\#(clients)}"#
    }
}

/// Members of one chat path; each has a bounded mailbox, so a slow reader drops old messages
/// instead of growing the server's memory.
final class ChatRoom: Sendable {
    private let members = Mutex<[Int: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation]>([:])

    func join(_ id: Int, _ mailbox: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation) -> Int {
        members.withLock { $0[id] = mailbox; return $0.count }
    }

    func leave(_ id: Int) -> Int {
        members.withLock { $0[id] = nil; return $0.count }
    }

    func broadcast(_ frame: WebSocketOutboundWriter.OutboundFrame) {
        for mailbox in members.withLock({ Array($0.values) }) { mailbox.yield(frame) }
    }
}
