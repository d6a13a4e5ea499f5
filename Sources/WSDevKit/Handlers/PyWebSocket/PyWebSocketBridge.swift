import Foundation
import Logging
import NIOCore
import Synchronization
import WSWire

/// The one python3 process that runs a `_wsh.py` file for all its connections, as pywebsocket
/// does (module globals are shared). Its pipes are on the event loop of the connection that first
/// needed it (`BridgeCore`); every other connection's calls hop there, and the bridge's answers hop
/// back to each connection's loop.
final class PyWebSocketBridge: Sendable {
    struct Settings: Sendable {
        let python: String
        let file: String
        let displayName: String
        let processes: ProcessTable
        let maxMessageBytes: Int
        /// How long a handler's thread may run on after its client left before its process is restarted.
        let handlerTimeout: Duration
        let events: SocketEvents
        let log: Logger

        var handlerTimeoutSeconds: String {
            let seconds = Double(handlerTimeout.components.seconds) + Double(handlerTimeout.components.attoseconds) / 1e18
            return seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        }
    }

    let settings: Settings
    private let home = Mutex<BridgeHome?>(nil)
    private let flags = BridgeFlags()

    init(settings: Settings) {
        self.settings = settings
    }

    /// The bridge's loop and state, made on `loop` the first time.
    private func home(near loop: any EventLoop) -> BridgeHome {
        home.withLock { home in
            if let home { return home }
            let core = BridgeCore(settings: settings, loop: loop, flags: flags)
            let made = BridgeHome(loop: loop, core: .makeBoxSendingValue(core, eventLoop: loop))
            home = made
            return made
        }
    }

    /// Sends the handshake to the bridge (starting python3 first when needed) and waits for its answer.
    func handshake(_ info: ConnectionInfo) async -> BridgeAnswer {
        let home = home(near: info.eventLoop)
        let answer = home.loop.makePromise(of: BridgeAnswer.self)
        home.run { $0.handshake(info, answer: answer) }
        return (try? await answer.futureResult.get()) ?? .failed("the python bridge stopped")
    }

    /// The 101 is out: the connection's delegate, on its loop.
    func open(_ socket: WebSocket) -> any WebSocketDelegate {
        let home = home(near: socket.eventLoop)
        let connection = PyWebSocketConnection(
            socket: socket, home: home, passiveClosing: flags.passiveClosing, maxMessageBytes: settings.maxMessageBytes, log: settings.log)
        let ref = ConnectionRef(loop: socket.eventLoop, connection: NIOLoopBound(connection, eventLoop: socket.eventLoop))
        let (id, extensions) = (connection.id, socket.info.extensions)
        home.run { $0.open(id, connection: ref, extensions: extensions) }
        return connection
    }

    /// The handler was replaced or removed: the process goes once no client is left on it.
    func retire() {
        home.withLock { $0 }?.run { $0.retire() }
    }

    /// The last line of a traceback and where it points, e.g.
    /// "NameError: name 'x' is not defined (echo_wsh.py line 3)".
    static func summary(_ traceback: String) -> String {
        let lines = traceback.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let last = lines.last(where: { !$0.isEmpty }) ?? traceback
        guard let place = lines.last(where: { $0.hasPrefix("File \"") }),
              let name = place.split(separator: "\"").dropFirst().first,
              let line = place.range(of: #"line \d+"#, options: .regularExpression) else { return Python2Hint.annotate(last) }
        return Python2Hint.annotate("\(last) (\((String(name) as NSString).lastPathComponent) \(place[line]))")
    }
}
