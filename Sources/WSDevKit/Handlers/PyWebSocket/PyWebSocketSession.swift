import Foundation
import Logging
import NIOCore
import Synchronization
import WSWire

/// One accepted connection of a `_wsh.py` handler: client messages go to the bridge, the
/// bridge's sends and closes go to the client. It ends when the handler's thread is done,
/// the client goes, or the bridge dies.
final class PyWebSocketSession: WebSocketDelegate, Sendable {
    let bridge: PyWebSocketBridge
    let link: PyWebSocketLink
    let socket: WebSocket
    let log: Logger
    private let messages: AsyncStream<WebSocketMessage>
    private let inbox: AsyncStream<WebSocketMessage>.Continuation
    /// Messages handed to the pump and not yet taken; the client is paused while too many wait.
    private let waiting = Mutex((count: 0, paused: false))

    init(bridge: PyWebSocketBridge, link: PyWebSocketLink, socket: WebSocket, log: Logger) {
        self.bridge = bridge
        self.link = link
        self.socket = socket
        self.log = log
        (messages, inbox) = AsyncStream.makeStream()
        Task { await self.run() }
    }

    func received(_ message: WebSocketMessage) {
        inbox.yield(message)
        let pause = waiting.withLock { state in
            state.count += 1
            guard state.count >= PyWebSocketWire.window, !state.paused else { return false }
            state.paused = true
            return true
        }
        if pause { socket.pauseReading() }
    }

    func closed() {
        inbox.finish()
    }

    private func taken() {
        let resume = waiting.withLock { state in
            state.count -= 1
            guard state.paused, state.count < PyWebSocketWire.window / 2 else { return false }
            state.paused = false
            return true
        }
        if resume { socket.eventLoop.execute { [socket] in socket.resumeReading() } }
    }

    private func run() async {
        link.markServed()
        await bridge.send(PyWebSocketWire.simple("open", id: link.id))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.toClient() }
            group.addTask { await self.toHandler() }
            await group.next()
            group.cancelAll()
        }
        await bridge.release(link)
    }

    /// Passes each message on once the handler has room for it (see `PyWebSocketWire`).
    private func toHandler() async {
        for await message in messages {
            taken()
            guard await link.credit.acquire(), await bridge.send(PyWebSocketWire.message(message, id: link.id)) else { return }
        }
    }

    private func toClient() async {
        // A message the handler sends in pieces (send_message(…, end=False), or a big one) goes
        // out whole once its last piece is in.
        var pieces: WebSocketMessage?
        for await event in link.events {
            switch event.op {
            case "send":
                let buffer = event.text.map { ByteBuffer(string: $0) } ?? ByteBuffer(bytes: Data(base64Encoded: event.binary ?? "") ?? Data())
                if var message = pieces {
                    var more = buffer
                    message.data.writeBuffer(&more)
                    pieces = message
                } else {
                    pieces = WebSocketMessage(event.text != nil ? .text : .binary, buffer)
                }
                if event.fin ?? true, let message = pieces {
                    pieces = nil
                    socket.send(message)
                }
                await bridge.send(PyWebSocketWire.simple("ack", id: link.id))
            case "close":
                socket.close(code: UInt16(clamping: event.code ?? 1000), reason: event.reason ?? "")
            case "done":
                return
            case "ended":
                log.warning("WS   \(link.info.path) #\(link.id): closing with 1011 because the python bridge stopped: \(event.reason ?? "")")
                socket.close(code: CloseCode.internalError, reason: event.reason ?? "the python bridge stopped")
                return
            default:
                continue
            }
        }
    }
}
