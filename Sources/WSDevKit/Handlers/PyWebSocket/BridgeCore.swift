import Foundation
import Logging
import NIOCore
import Synchronization
import WSWire

/// A `_wsh.py` file's python3 process and its connections, on one event loop: the process is
/// started by the first handshake (and again by the next one after it ends), its records are routed
/// to their connections, and it is stopped when the file is replaced or removed and no client is
/// left on it, or restarted when a handler thread will not stop after its client left.
final class BridgeCore: PipedProcessOwner {
    let settings: PyWebSocketBridge.Settings
    let loop: any EventLoop
    let flags: BridgeFlags
    var process: PipedProcess?
    var links: [UInt32: BridgeLink] = [:]
    /// Replaced by an edit, or removed: no new connections, and gone once its clients are.
    private var retired = false
    /// The traceback of a handler file that failed to load, for the connections that were waiting.
    var fatal: String?
    /// The last non-blank stderr line: the likeliest explanation of a crash.
    var lastError: String?
    /// The endpoint's path ("/chat"), for log lines of connections already forgotten.
    var lastPath: String?
    let allocator = ByteBufferAllocator()

    init(settings: PyWebSocketBridge.Settings, loop: any EventLoop, flags: BridgeFlags) {
        self.settings = settings
        self.loop = loop
        self.flags = flags
    }

    var log: Logger { settings.log }
    var name: String { settings.displayName }

    // MARK: From connections

    func handshake(_ info: ConnectionInfo, answer: EventLoopPromise<BridgeAnswer>) {
        guard !retired else { return answer.succeed(.failed("the handler was replaced or removed a moment ago; connect again")) }
        if process == nil {
            do { try start() } catch { return answer.succeed(.failed("\(error)")) }
        }
        let id = BridgeRecord.wireID(info.id)
        let link = BridgeLink(info: info, answer: answer)
        links[id] = link
        lastPath = info.path
        write(BridgeRecord.make(BridgeRecord.Op.handshake, id: id, payload: BridgeJSON.handshake(info, allocator: allocator), allocator: allocator))
        link.timer = loop.assumeIsolated().scheduleTask(in: .init(PyWebSocketHandler.handshakeTimeout)) { [self] in
            link.resolve(.timedOut)
            clientLeft(id, close: nil)
        }
    }

    /// The 101 is out; the handler's thread may start `web_socket_transfer_data`.
    func open(_ id: UInt32, connection: ConnectionRef, extensions: String?) {
        guard let link = links[id], link.accepted, !link.clientGone, !link.threadDone else {
            // The process ended (or was restarted) between the handshake and now, or the handler's
            // thread was stopped while it waited for the 101.
            return connection.loop.execute {
                connection.connection.value.socket.close(code: CloseCode.internalError, reason: "the python bridge restarted; connect again")
            }
        }
        link.timer?.cancel()
        link.connection = connection
        write(BridgeRecord.make(BridgeRecord.Op.open, id: id, payload: ByteBuffer(string: extensions ?? ""), allocator: allocator))
    }

    /// A client message, in pieces of at most `BridgeRecord.chunk` bytes: slices, not copies.
    func forward(_ message: WebSocketMessage, to id: UInt32) {
        guard let process, links[id]?.clientGone == false else { return }
        var data = message.data
        var op = message.kind == .text ? BridgeRecord.Op.text : BridgeRecord.Op.binary
        repeat {
            let piece = data.readSlice(length: min(BridgeRecord.chunk, data.readableBytes))!
            if data.readableBytes == 0 { op |= BridgeRecord.Op.fin }
            if piece.readableBytes <= 4096 {
                process.write(BridgeRecord.make(op, id: id, payload: piece, allocator: allocator))
            } else {
                var header = allocator.buffer(capacity: BridgeRecord.headerSize)
                BridgeRecord.writeHeader(op, id: id, length: piece.readableBytes, into: &header)
                process.write(header)
                process.write(piece)
            }
            op = BridgeRecord.Op.continuation
        } while data.readableBytes > 0
    }

    func acknowledge(_ id: UInt32, count: Int, bytes: Int) {
        guard links[id] != nil else { return }
        write(BridgeRecord.make(BridgeRecord.Op.ack, id: id, payload: BridgeRecord.ackPayload(count: count, bytes: bytes, allocator: allocator), allocator: allocator))
    }

    func clientClosing(_ id: UInt32, code: UInt16?, reason: String) {
        guard links[id] != nil else { return }
        let payload = code.map { BridgeRecord.closePayload(code: $0, reason: reason, allocator: allocator) }
        write(BridgeRecord.make(BridgeRecord.Op.clientClose, id: id, payload: payload, allocator: allocator))
    }

    func clientFailed(_ id: UInt32, code: UInt16, reason: String) {
        guard links[id] != nil else { return }
        let payload = BridgeRecord.closePayload(code: code, reason: reason, allocator: allocator)
        write(BridgeRecord.make(BridgeRecord.Op.clientFailed, id: id, payload: payload, allocator: allocator))
    }

    /// The client is gone (or its handshake ended without a connection). `close` is its close frame,
    /// if one came: its answer to the handler's close, which the handler reads as `ws_close_code`.
    func clientLeft(_ id: UInt32, close: (code: UInt16?, reason: String)?) {
        guard let link = links[id], !link.clientGone else { return }
        link.clientGone = true
        link.timer?.cancel()
        let payload = close.map { BridgeRecord.closePayload(code: $0.code, reason: $0.reason, allocator: allocator) }
        write(BridgeRecord.make(BridgeRecord.Op.gone, id: id, payload: payload, allocator: allocator))
        if link.threadDone {
            links[id] = nil
        } else {
            link.timer = loop.assumeIsolated().scheduleTask(in: .init(settings.handlerTimeout)) { [self] in stuck(link) }
        }
        if retired, !hasClients { stop() }
    }

    /// The file was replaced or removed: the process goes once no client is left on it. Threads
    /// still running after their clients left do not keep it.
    func retire() {
        retired = true
        if !hasClients { stop() }
    }

    private var hasClients: Bool { links.values.contains { !$0.clientGone } }

    // MARK: The process

    private func start() throws {
        let directory = try PyWebSocketBridgeFile.install()
        var variables = ProcessInfo.processInfo.environment
        variables["PYTHONUNBUFFERED"] = "1"
        variables["PYTHONIOENCODING"] = "utf-8"
        let environment = variables.map { "\($0.key)=\($0.value)" }
        let arguments = [
            "-B", directory + "/bridge.py", settings.file, "\(BridgeRecord.chunk)", "\(BridgeRecord.window)", "\(BridgeRecord.windowBytes)",
            "\(settings.handlerTimeoutSeconds)",
        ]
        do {
            process = try PipedProcess(
                spawning: settings.python, arguments: arguments, environment: environment,
                directory: (settings.file as NSString).deletingLastPathComponent, on: loop, table: settings.processes,
                owner: name, lineLimit: BridgeRecord.limit, largestRead: 1 << 20
            ) { pipeline in try pipeline.addHandler(ByteToMessageHandler(BridgeRecordDecoder())) }
        } catch let limit as ProcessLimitReached {
            log.warning("WS   \(name): python3 not started: \(limit.reason)")
            throw BridgeFailure(limit.reason)
        } catch {
            log.error("WS   \(name): python3 could not start (\(error)). Check that \(settings.python) runs, then connect again.")
            throw BridgeFailure("python3 could not start (\(error))")
        }
        process?.owner = self
        (fatal, lastError) = (nil, nil)
    }

    /// Stops the process without a word to its connections: there are none left but threads
    /// whose clients are gone.
    private func stop() {
        process?.stop()
        process = nil
        for link in links.values { link.timer?.cancel() }
        links = [:]
    }

    /// A handler thread did not stop within `--handler-timeout` of its client leaving, not even
    /// when asked: only a new process ends it. Its other connections close with 1011.
    private func stuck(_ link: BridgeLink) {
        guard process != nil, links[BridgeRecord.wireID(link.info.id)] === link else { return }
        let open = links.values.filter { !$0.clientGone }.count
        log.warning("WS   \(link.tag): web_socket_transfer_data(request) in \(name) is still running \(settings.handlerTimeoutSeconds) s after its client left, and did not stop when asked; restarting its python3 process (\(open) open connection(s) close with 1011). Make the handler return once receive_message() returns None; --handler-timeout sets the wait.")
        end(because: "the handler's python3 process was restarted because a thread did not stop; connect again")
    }

    /// Every connection of the process ends: handshakes fail, open connections close with 1011.
    func end(because why: String) {
        let orphans = Array(links.values)
        stop()
        for link in orphans {
            link.resolve(.failed(why))
            if !link.clientGone { link.connection?.run { $0.bridgeEnded(why) } }
        }
    }

    func write(_ record: ByteBuffer) {
        process?.write(record)
    }
}

/// What the bridge's loop and its connections share: whether the handler answers clients' closes itself.
final class BridgeFlags: Sendable {
    private let passive = Atomic<Bool>(false)

    var passiveClosing: Bool {
        get { passive.load(ordering: .relaxed) }
        set { passive.store(newValue, ordering: .relaxed) }
    }
}

struct BridgeFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
