import NIOCore
import NIOHTTP1

/// The engine as `SessionRunner` puts it on a `/echo` connection, for the fuzz harness
/// (Tests/fuzz) to drive through an `EmbeddedChannel`, plus what the harness must check but
/// cannot see in the bytes: how much the session holds, and how often it said it was over.
///
/// `package`, not `public`: only this package's harness uses it, and the shipped binary's
/// interface does not grow for it.
package final class EchoSessionProbe {
    /// What the client offered, as accepted; nil when it offered nothing acceptable.
    package let deflate: PerMessageDeflate?
    package let maxMessageBytes: Int
    private let session: WebSocketSession
    private let counts = Counts()

    /// Adds the session to `channel`'s pipeline (as its only handler) with the real echo delegate.
    package init(channel: any Channel, maxMessageBytes: Int, extensionOffer: String?, pingInterval: TimeAmount, closeTimeout: TimeAmount) throws {
        deflate = extensionOffer.flatMap { PerMessageDeflate.accept(offers: [$0]) }
        self.maxMessageBytes = maxMessageBytes
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/echo")
        let socket = WebSocket(info: ConnectionInfo(id: 1, head: head, remote: nil, local: nil, offered: [], eventLoop: channel.eventLoop), eventLoop: channel.eventLoop)
        let counts = counts
        session = WebSocketSession(
            socket: socket, maxMessageBytes: maxMessageBytes, deflate: deflate,
            pings: PingSweeps(interval: pingInterval).sweep(on: channel.eventLoop), stats: SessionStats(),
            events: nil, closeTimeout: closeTimeout
        ) { counts.onClose += 1 }
        try channel.pipeline.syncOperations.addHandler(session)
        session.delegate = Counted(EchoEndpoint().open(socket), counts)
    }

    /// Bytes the session holds between reads: a frame still arriving, a message still being reassembled.
    package var heldBytes: (unread: Int, partial: Int) {
        (session.unreadBytes, session.partial?.data.readableBytes ?? 0)
    }

    /// How often the delegate heard `closed()`, and how often the runner's close callback ran.
    package var closedCalls: (delegate: Int, runner: Int) { (counts.delegateClosed, counts.onClose) }

    private final class Counts {
        var delegateClosed = 0
        var onClose = 0
    }

    /// The echo delegate, counting the `closed()` calls it must get exactly once.
    private final class Counted: WebSocketDelegate {
        let inner: any WebSocketDelegate
        let counts: Counts

        init(_ inner: any WebSocketDelegate, _ counts: Counts) {
            self.inner = inner
            self.counts = counts
        }

        func received(_ message: WebSocketMessage) { inner.received(message) }
        func clientClosing(code: UInt16?, reason: String) -> ClosingAnswer { inner.clientClosing(code: code, reason: reason) }
        func writable() { inner.writable() }

        func closed() {
            counts.delegateClosed += 1
            inner.closed()
        }
    }
}
