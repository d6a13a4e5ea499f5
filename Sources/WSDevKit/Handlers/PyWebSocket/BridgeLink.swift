import NIOCore
import WSWire

/// Where a `_wsh.py` file's bridge lives: the event loop its process's pipes are on, and its state
/// there. Connections on other loops hop to it; one on the same loop calls straight in.
struct BridgeHome: Sendable {
    let loop: any EventLoop
    let core: NIOLoopBoundBox<BridgeCore>

    /// Calls from one thread keep their order either way: a thread is either the loop or not.
    func run(_ body: @escaping @Sendable (BridgeCore) -> Void) {
        if loop.inEventLoop { return body(core.value) }
        loop.execute { body(core.value) }
    }
}

/// A connection as its bridge's loop reaches it: on the connection's own loop.
struct ConnectionRef: Sendable {
    let loop: any EventLoop
    let connection: NIOLoopBound<PyWebSocketConnection>

    func run(_ body: @escaping @Sendable (PyWebSocketConnection) -> Void) {
        if loop.inEventLoop { return body(connection.value) }
        loop.execute { body(connection.value) }
    }
}

/// What a handshake learns from the bridge.
enum BridgeAnswer: Sendable {
    case accept(subprotocol: String?, headers: [(String, String)], deflate: Bool)
    case reject(status: Int, reason: String)
    /// The bridge could not answer: the file failed to load, or python3 died or could not start.
    case failed(String)
    case timedOut
}

/// One connection as its bridge's loop keeps it, from the handshake until both its client and its
/// handler thread are done.
final class BridgeLink {
    let info: ConnectionInfo
    /// Until the bridge answers the handshake.
    var answer: EventLoopPromise<BridgeAnswer>?
    var accepted = false
    /// Once the 101 is out.
    var connection: ConnectionRef?
    /// The client is gone (or was refused, or never completed its handshake).
    var clientGone = false
    /// The handler's thread for the connection has ended.
    var threadDone = false
    /// The handshake's deadline, then the wait for the 101, then the handler's time to stop once its client left.
    var timer: Scheduled<Void>?

    init(info: ConnectionInfo, answer: EventLoopPromise<BridgeAnswer>) {
        self.info = info
        self.answer = answer
    }

    var tag: String { "\(info.path) #\(info.id)" }

    func resolve(_ answer: BridgeAnswer) {
        timer?.cancel()
        timer = nil
        self.answer?.succeed(answer)
        self.answer = nil
    }
}
