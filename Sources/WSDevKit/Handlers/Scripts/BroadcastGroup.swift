import Foundation
import Logging
import NIOCore
import Synchronization
import WSWire

/// `wsdev: broadcast` — one process shared by every client of an endpoint: each client's
/// messages go to its stdin, each stdout line goes to every client. Started by the first client
/// (its environment describes that client), stopped (SIGTERM, then SIGKILL) when the last leaves.
final class BroadcastGroup: Sendable {
    private struct Run {
        var members: [Int: WebSocket] = [:]
        /// The shared process, on the event loop of the client that started it.
        var process: NIOLoopBound<SharedProcess>?
        var loop: (any EventLoop)?
        /// Which process is the current one: a process still ending after its last client left
        /// must not close, or talk to, the clients of the next.
        var generation = 0
    }

    let file: String
    let directives: HandlerDirectives
    let scriptName: String
    let processes: ProcessTable
    let maxMessageBytes: Int
    let log: Logger
    private let state = Mutex(Run())

    init(file: String, directives: HandlerDirectives, scriptName: String, processes: ProcessTable, maxMessageBytes: Int, log: Logger) {
        self.file = file
        self.directives = directives
        self.scriptName = scriptName
        self.processes = processes
        self.maxMessageBytes = maxMessageBytes
        self.log = log
    }

    /// Called on the socket's event loop when a client has connected.
    func join(_ socket: WebSocket, environment: [String]) -> any WebSocketDelegate {
        // The shared process is registered before it is started: another client's message,
        // carried to this event loop, then finds it there (and waits in its pipe queue) instead
        // of finding no process and being lost.
        let starting: SharedProcess? = state.withLock { run in
            run.members[socket.info.id] = socket
            guard run.loop == nil else { return nil }
            run.generation += 1
            let shared = SharedProcess(group: self, generation: run.generation, tag: "\(socket.info.path) (broadcast)")
            run.loop = socket.eventLoop
            run.process = NIOLoopBound(shared, eventLoop: socket.eventLoop)
            return shared
        }
        if let shared = starting {
            do {
                shared.process = try PipedProcess(
                    spawning: file, environment: environment, directory: (file as NSString).deletingLastPathComponent,
                    on: socket.eventLoop, table: processes, owner: scriptName, lineLimit: maxMessageBytes)
                shared.process?.owner = shared
            } catch {
                log.error("WS   \(socket.info.path) (broadcast): \(error); closing its clients with 1011")
                ended(shared.generation, code: CloseCode.internalError, reason: "the handler could not start")
            }
        }
        return Member(group: self, socket: socket)
    }

    /// A client's message, carried to the process's event loop; a client whose line does not fit
    /// into the process's input is paused until it does.
    fileprivate func input(_ line: ByteBuffer, from socket: WebSocket) {
        guard let (loop, process) = state.withLock({ run in run.loop.map { ($0, run.process) } }) else { return }
        loop.execute {
            guard let shared = process?.value, let piped = shared.process else { return }
            piped.write(line)
            piped.write(HandlerMessages.newline)
            if !piped.isWritable {
                shared.paused.append(socket)
                socket.eventLoop.execute { socket.pauseReading() }
            }
        }
    }

    fileprivate func leave(_ id: Int) {
        let last: (any EventLoop, NIOLoopBound<SharedProcess>?)? = state.withLock { run in
            run.members[id] = nil
            guard run.members.isEmpty, let loop = run.loop else { return nil }
            defer { (run.loop, run.process) = (nil, nil) }
            return (loop, run.process)
        }
        guard let (loop, process) = last else { return }
        loop.execute { process?.value.process?.stop() }
    }

    /// Every client gets the line (see `Audience` for one that does not read).
    fileprivate func broadcast(_ message: WebSocketMessage, from generation: Int) {
        Audience.send(message, to: state.withLock { $0.generation == generation ? Array($0.members.values) : [] })
    }

    /// The process is over: its clients are closed with `code`.
    fileprivate func ended(_ generation: Int, code: UInt16, reason: String, warning: String? = nil) {
        let members = state.withLock { run -> [WebSocket]? in
            guard run.generation == generation, run.loop != nil else { return nil }
            defer { (run.loop, run.process) = (nil, nil) }
            return Array(run.members.values)
        }
        // A process stopped because its last client left has nobody to tell.
        guard let members else { return }
        if let warning { log.warning("\(warning)") }
        for socket in members { socket.close(code: code, reason: reason) }
    }

    private final class Member: WebSocketDelegate {
        let group: BroadcastGroup
        let socket: WebSocket

        init(group: BroadcastGroup, socket: WebSocket) {
            self.group = group
            self.socket = socket
        }

        func received(_ message: WebSocketMessage) {
            guard let line = HandlerMessages.line(for: message, format: group.directives.messages) else {
                return socket.close(code: CloseCode.unsupportedData, reason: "this handler takes text; declare messages=json for binary")
            }
            group.input(line, from: socket)
        }

        func closed() {
            group.leave(socket.info.id)
        }
    }

    /// The process's side, on its event loop.
    private final class SharedProcess: PipedProcessOwner {
        let group: BroadcastGroup
        let generation: Int
        let tag: String
        var process: PipedProcess?
        var paused: [WebSocket] = []
        var lastError: String?

        init(group: BroadcastGroup, generation: Int, tag: String) {
            self.group = group
            self.generation = generation
            self.tag = tag
        }

        func processPrinted(_ line: ByteBuffer) {
            switch HandlerMessages.action(for: line, format: group.directives.messages) {
            case .send(let message): group.broadcast(message, from: generation)
            case .close(let code, let reason): group.ended(generation, code: code, reason: reason)
            }
        }

        func processWritable() {
            for socket in paused { socket.eventLoop.execute { socket.resumeReading() } }
            paused = []
        }

        func processLogged(_ line: String) {
            group.log.notice("WS   \(tag) stderr: \(line)")
            if !line.allSatisfy(\.isWhitespace) { lastError = line }
        }

        func processOutputEnded(tooLong: Bool) {
            guard let process else { return }
            process.whenFinished { [self] status in
                process.stop()
                if status == .exited(0) {
                    group.ended(generation, code: CloseCode.normal, reason: "")
                } else {
                    group.ended(
                        generation, code: CloseCode.internalError, reason: lastError ?? "\(group.scriptName) ended with \(status)",
                        warning: "WS   \(tag): \(group.scriptName) ended with \(status); closing its clients with 1011")
                }
            }
        }
    }
}
