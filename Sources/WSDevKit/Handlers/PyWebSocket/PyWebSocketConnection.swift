import Logging
import NIOCore
import WSWire

/// One open connection of a `_wsh.py` handler, on the connection's event loop: client messages go
/// to the bridge's process, what the handler sends comes back whole, and both directions are held
/// to the bridge's windows (`BridgeRecord`): a client whose handler does not take its messages is
/// not read from, and a handler whose client does not read is not acknowledged, so it waits.
final class PyWebSocketConnection: WebSocketDelegate {
    let socket: WebSocket
    let id: UInt32
    private let home: BridgeHome
    private let passiveClosing: Bool
    private let maxMessageBytes: Int
    private let log: Logger
    // The client's messages handed to the bridge and not yet taken by the handler.
    private var inFlight = 0
    private var inFlightBytes = 0
    private var paused = false
    /// A message the handler sends in pieces (a big one, or `send_message(…, end=False)`), until its last.
    private var assembling: WebSocketMessage?
    // Pieces from the handler passed on to the socket and not yet acknowledged.
    private var taken = 0
    private var takenBytes = 0
    /// The handler's web_socket_passive_closing_handshake is choosing the answer to the client's close.
    private var answering = false
    private var over = false

    init(socket: WebSocket, home: BridgeHome, passiveClosing: Bool, maxMessageBytes: Int, log: Logger) {
        self.socket = socket
        self.id = BridgeRecord.wireID(socket.info.id)
        self.home = home
        self.passiveClosing = passiveClosing
        self.maxMessageBytes = maxMessageBytes
        self.log = log
    }

    private var tag: String { "\(socket.info.path) #\(socket.info.id)" }

    // MARK: The client's side

    func received(_ message: WebSocketMessage) {
        inFlight += 1
        inFlightBytes += message.data.readableBytes
        let id = self.id
        home.run { $0.forward(message, to: id) }
        if !paused, inFlight >= BridgeRecord.window || inFlightBytes >= BridgeRecord.windowBytes {
            paused = true
            socket.pauseReading()
        }
    }

    func clientClosing(code: UInt16?, reason: String) -> ClosingAnswer {
        let id = self.id
        home.run { $0.clientClosing(id, code: code, reason: reason) }
        guard passiveClosing else { return .echo }
        answering = true
        return .later
    }

    /// The client broke the protocol: the handler reads the error after the messages before it (as
    /// pywebsocket raises it in `receive_message`), so its replies to those go out first, then its close.
    func clientFailing(code: UInt16, reason: String) -> FailingAnswer {
        let id = self.id
        home.run { $0.clientFailed(id, code: code, reason: reason) }
        return .afterReplies
    }

    func writable() {
        acknowledge(atLeastHalf: true)
    }

    func closed() {
        over = true
        let (id, close) = (self.id, socket.clientClose)
        home.run { $0.clientLeft(id, close: close) }
    }

    // MARK: The bridge's side, on this loop

    /// The handler took client messages.
    func acknowledged(count: Int, bytes: Int) {
        inFlight -= count
        inFlightBytes -= bytes
        if paused, inFlight < BridgeRecord.window, inFlightBytes < BridgeRecord.windowBytes {
            paused = false
            socket.resumeReading()
        }
    }

    /// A message, or a piece of one, from the handler.
    func handlerSent(op: UInt8, _ piece: ByteBuffer) {
        guard !over else { return }
        taken += 1
        takenBytes += piece.readableBytes
        let last = op & BridgeRecord.Op.fin != 0
        switch op & 0x7F {
        case BridgeRecord.Op.continuation:
            guard var message = assembling else { return }
            assembling = nil
            guard message.data.readableBytes + piece.readableBytes <= maxMessageBytes else { return tooBig() }
            var piece = piece
            message.data.writeBuffer(&piece)
            if last { socket.send(message) } else { assembling = message }
        case let kind:
            let message = WebSocketMessage(kind == BridgeRecord.Op.text ? .text : .binary, piece)
            if last { socket.send(message) } else { assembling = Self.growable(message) }
        }
        acknowledge(atLeastHalf: true)
    }

    func handlerClosed(code: UInt16, reason: String) {
        answering = false
        socket.close(code: code, reason: reason)
    }

    /// The handler's thread for this connection ended (it closed the connection first, unless the client left).
    func handlerDone() {
        guard !answering else { return }  // its web_socket_passive_closing_handshake answers the client
        socket.close()
    }

    /// The bridge process stopped under this connection.
    func bridgeEnded(_ why: String) {
        guard !over else { return }
        log.warning("WS   \(tag): closing with 1011 because the python bridge stopped: \(why)")
        socket.close(code: CloseCode.internalError, reason: why)
    }

    /// Returns pieces to the handler's window, in batches, and only while the socket takes more:
    /// a client that does not read makes the handler wait in `send_message`.
    private func acknowledge(atLeastHalf: Bool) {
        guard taken > 0, socket.isWritable else { return }
        guard !atLeastHalf || taken * 2 >= BridgeRecord.window || takenBytes * 2 >= BridgeRecord.windowBytes else { return }
        let (id, count, bytes) = (self.id, taken, takenBytes)
        (taken, takenBytes) = (0, 0)
        home.run { $0.acknowledge(id, count: count, bytes: bytes) }
    }

    private func tooBig() {
        log.warning("WS   \(tag): the handler sent a message in pieces that grew past the \(maxMessageBytes)-byte limit; closing with 1011 (start wsdev with a larger --max-message)")
        socket.close(code: CloseCode.internalError, reason: "the handler's message was over the size limit")
    }

    /// The first piece, copied into a buffer that the next ones can be appended to without regrowing each time.
    private static func growable(_ first: WebSocketMessage) -> WebSocketMessage {
        var data = ByteBufferAllocator().buffer(capacity: first.data.readableBytes * 4)
        data.writeImmutableBuffer(first.data)
        return WebSocketMessage(first.kind, data)
    }
}
