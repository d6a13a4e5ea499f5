import Foundation
import NIOCore
import NIOWebSocket
import WSCore

/// One accepted connection of a `_wsh.py` handler: client messages go to the bridge, the
/// bridge's sends and closes go to the client. It ends when the handler's thread is done,
/// the client goes, or the bridge dies.
struct PyWebSocketSession {
    let bridge: PyWebSocketBridge
    let link: PyWebSocketLink
    let connection: WebSocketConnection

    func run() async throws {
        link.markServed()
        await bridge.send(PyWebSocketWire.simple("open", id: link.id))
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { await self.toClient(); return true }
                group.addTask { try await self.toHandler() }
                while let over = try await group.next(), !over {}
                group.cancelAll()
            }
        } catch {
            // A protocol error from the client (1007, 1009…) is rethrown so WSCore closes with its code.
            await bridge.release(link)
            throw error
        }
        await bridge.release(link)
    }

    /// Passes each message on once the handler has room for it (see `PyWebSocketWire`).
    /// True when the client has gone; false when the bridge has, whose "ended" event then closes.
    private func toHandler() async throws -> Bool {
        for try await message in connection.messages {
            guard await link.credit.acquire(), await bridge.send(PyWebSocketWire.message(message, id: link.id)) else { return false }
        }
        return true
    }

    private func toClient() async {
        // The opcode of a message the handler is sending in pieces (send_message(…, end=False), or a big one).
        var fragmented: WebSocketOpcode?
        for await event in link.events {
            do {
                switch event.op {
                case "send":
                    fragmented = try await write(event, continuing: fragmented)
                    await bridge.send(PyWebSocketWire.simple("ack", id: link.id))
                case "close":
                    let code = WebSocketErrorCode(codeNumber: event.code ?? 1000)
                    try await connection.outbound.close(code, reason: HandlerMessages.clip(event.reason ?? ""))
                case "done":
                    return
                case "ended":
                    connection.logger.warning("WS   \(link.info.path) #\(link.id): closing with 1011 because the python bridge stopped: \(event.reason ?? "")")
                    try await connection.outbound.close(.unexpectedServerError, reason: HandlerMessages.clip(event.reason ?? "the python bridge stopped"))
                    return
                default:
                    continue
                }
            } catch {
                return  // the client's socket is gone; the other pump sees it too
            }
        }
    }

    /// Writes one piece; returns the opcode of the message still open after it, if any.
    private func write(_ event: PyWebSocketWire.Event, continuing: WebSocketOpcode?) async throws -> WebSocketOpcode? {
        let fin = event.fin ?? true
        let opcode: WebSocketOpcode = event.text != nil ? .text : .binary
        if continuing == nil, fin, let text = event.text {
            try await connection.outbound.write(.text(text))
            return nil
        }
        let buffer = event.text.map { ByteBuffer(string: $0) } ?? ByteBuffer(bytes: Data(base64Encoded: event.binary ?? "") ?? Data())
        if continuing == nil, fin {
            try await connection.outbound.write(.binary(buffer))
            return nil
        }
        let frame = WebSocketFrame(fin: fin, opcode: continuing == nil ? opcode : .continuation, data: buffer)
        try await connection.outbound.write(.custom(frame))
        return fin ? nil : (continuing ?? opcode)
    }
}
