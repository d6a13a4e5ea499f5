import Foundation
import Logging
import NIOCore
import WSWire

/// What `BridgeCore` does with the bridge process's records, its standard error and its end.
extension BridgeCore {
    func processPrinted(_ record: ByteBuffer) {
        let record = BridgeRecord.Incoming(record)
        let op = record.op
        if BridgeRecord.Op.isData(op) {
            let payload = record.payload
            links[record.id]?.connection?.run { $0.handlerSent(op: op, payload) }
            return
        }
        switch op {
        case BridgeRecord.Op.ack:
            var payload = record.payload
            guard let count = payload.readInteger(as: UInt32.self), let bytes = payload.readInteger(as: UInt32.self) else { return }
            links[record.id]?.connection?.run { $0.acknowledged(count: Int(count), bytes: Int(bytes)) }
        case BridgeRecord.Op.close:
            var payload = record.payload
            let code = payload.readInteger(as: UInt16.self) ?? CloseCode.normal
            let reason = payload.readString(length: payload.readableBytes) ?? ""
            links[record.id]?.connection?.run { $0.handlerClosed(code: code, reason: reason) }
        case BridgeRecord.Op.accept, BridgeRecord.Op.reject:
            answered(record)
        case BridgeRecord.Op.done:
            threadEnded(record.id)
        case BridgeRecord.Op.log:
            guard let line = BridgeJSON.decode(BridgeJSON.Log.self, record.payload) else { return }
            let link = links[record.id]
            let path = link?.info.path ?? lastPath ?? name
            logLines(line.text, level: line.level, tag: record.id == 0 ? name : "\(path) #\(record.id)")
            settings.events.publish(.lifecycle, .handlerLog(id: link?.info.id, path: path, line: line.text, at: Date()))
        case BridgeRecord.Op.ready:
            flags.passiveClosing = BridgeJSON.decode(BridgeJSON.Ready.self, record.payload)?.passiveClosing ?? false
            log.debug("WS   \(name): python bridge ready")
        case BridgeRecord.Op.fatal:
            let text = String(buffer: record.payload)
            fatal = text
            log.error("WS   \(name) could not be loaded; fix it and save it again:")
            for line in text.split(separator: "\n") { log.error("WS   \(name): \(line)") }
        default:
            log.warning("WS   \(name): ignoring a record of unknown kind \(op) from the python bridge")
        }
    }

    private func answered(_ record: BridgeRecord.Incoming) {
        guard let link = links[record.id], link.answer != nil else { return }
        if record.op == BridgeRecord.Op.reject {
            let refusal = BridgeJSON.decode(BridgeJSON.Reject.self, record.payload)
            link.clientGone = true  // the handler's thread ends by itself
            return link.resolve(.reject(status: refusal?.status ?? 403, reason: refusal?.reason ?? ""))
        }
        let accept = BridgeJSON.decode(BridgeJSON.Accept.self, record.payload)
        link.accepted = true
        link.resolve(.accept(subprotocol: accept?.protocol, headers: (accept?.headers ?? []).compactMap(Self.header), deflate: accept?.deflate ?? true))
        // A client that leaves between this answer and its 101 never opens: let its thread go.
        let id = record.id
        link.timer = loop.assumeIsolated().scheduleTask(in: .seconds(30)) { [self] in
            if links[id] === link, link.connection == nil { clientLeft(id, close: nil) }
        }
    }

    private static func header(_ pair: [String]) -> (String, String)? {
        pair.count == 2 ? (pair[0], pair[1]) : nil
    }

    private func threadEnded(_ id: UInt32) {
        guard let link = links[id], !link.threadDone else { return }
        link.threadDone = true
        // Ended before answering the handshake: stopped while stuck in web_socket_do_extra_handshake.
        link.resolve(.failed("web_socket_do_extra_handshake(request) did not finish"))
        if link.clientGone {
            links[id] = nil
        } else {
            link.connection?.run { $0.handlerDone() }
        }
    }

    func processLogged(_ line: String) {
        log.notice("WS   \(name) stderr: \(line)")
        if !line.allSatisfy(\.isWhitespace) { lastError = line }
    }

    func processWritable() {}

    func processOutputEnded(tooLong: Bool) {
        guard let process else { return }
        if tooLong {
            log.error("WS   \(name): the python bridge wrote a record over \(BridgeRecord.limit) bytes, which it never does; restarting it")
            process.stop()
        }
        process.whenFinished { [self] status in
            guard self.process === process else { return }
            ended(status)
        }
    }

    /// The process ended by itself (a crash, `os._exit`, a file that failed to load).
    private func ended(_ status: ChildProcess.Status) {
        let why = fatal.map(PyWebSocketBridge.summary) ?? lastError ?? "python3 ended with \(status)"
        let open = links.values.filter { $0.connection != nil && !$0.clientGone }.count
        if open > 0 {
            log.warning("WS   \(name): python3 ended with \(status) with \(open) connection(s) open; they close with 1011 (\(why)). The next connection starts it again.")
        }
        end(because: why)
    }

    private func logLines(_ text: String, level: String, tag: String) {
        let label = level == "print" || level == "stderr" ? " \(level)" : ""
        let logLevel: Logger.Level = level == "error" ? .error : level == "warning" ? .warning : .notice
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines.isEmpty ? [""] : lines {
            log.log(level: logLevel, "WS   \(tag)\(label): \(line)")
        }
        if let hint = Python2Hint.hint(for: text) { log.log(level: logLevel, "WS   \(tag): \(hint)") }
    }
}
