import Foundation
import Logging
import NIOCore
import WSWire

/// One WebSocket connection served by its own handler process (the websocketd model): messages
/// in → stdin lines, stdout lines → messages out, stderr → the log, exit status → close code.
///
/// Both directions are on the connection's event loop and hold back rather than queue: a client
/// whose handler does not read is not read from, and a handler whose client does not read is not
/// read from, so neither can grow the server's memory or take its time from other connections.
final class ScriptSession: WebSocketDelegate, PipedProcessOwner {
    private let socket: WebSocket
    private let process: PipedProcess
    private let format: HandlerDirectives.MessageFormat
    private let scriptName: String
    private let maxLine: Int
    private let events: SocketEvents
    private let log: Logger
    private var tag: String { "\(socket.info.path) #\(socket.info.id)" }
    /// The last non-blank stderr line: the likeliest explanation of a crash.
    private var lastError: String?
    private var clientLeft = false
    /// The server has chosen how the connection closes (a json close, a refused message).
    private var closeChosen = false

    init(
        socket: WebSocket, process: PipedProcess, format: HandlerDirectives.MessageFormat, scriptName: String, maxLine: Int, events: SocketEvents, log: Logger
    ) {
        self.socket = socket
        self.process = process
        self.format = format
        self.scriptName = scriptName
        self.maxLine = maxLine
        self.events = events
        self.log = log
        process.owner = self
    }

    // MARK: The client's side

    func received(_ message: WebSocketMessage) {
        guard let line = HandlerMessages.line(for: message, format: format) else {
            log.warning("WS   \(tag): the client sent binary, but \(scriptName) reads lines of text. Add `wsdev: messages=json` to the handler to receive binary.")
            return endByServer(
                code: CloseCode.unsupportedData, reason: "this handler takes text; declare messages=json for binary",
                explanation: "the page sent binary, but the handler for \(scriptName) reads lines of text: send text, or add `# wsdev: messages=json` to the handler to receive binary")
        }
        process.write(line)
        process.write(HandlerMessages.newline)
        if !process.isWritable { socket.pauseReading() }
    }

    func writable() {
        process.pauseOutput(false)
    }

    func closed() {
        clientLeft = true
        process.stop()
    }

    // MARK: The process's side

    func processPrinted(_ line: ByteBuffer) {
        guard !closeChosen else { return }
        switch HandlerMessages.action(for: line, format: format) {
        case .send(let message):
            socket.queue(message)
        case .close(let code, let reason):
            endByServer(code: code, reason: reason)
        }
    }

    /// One write for all the lines of a read; a socket that cannot take more stops the reading.
    func processPrintedBatch() {
        socket.flush()
        if !socket.isWritable { process.pauseOutput(true) }
    }

    func processWritable() {
        socket.resumeReading()
    }

    func processLogged(_ line: String) {
        log.notice("WS   \(tag) stderr: \(line)")
        events.publish(.lifecycle, .handlerLog(id: socket.info.id, path: socket.info.path, line: line, at: Date()))
        if !line.allSatisfy(\.isWhitespace) { lastError = line }
    }

    func processOutputEnded(tooLong: Bool) {
        guard !clientLeft, !closeChosen else { return }
        if tooLong {
            log.warning("WS   \(tag): \(scriptName) printed a line longer than the \(maxLine)-byte message limit; closing with 1009 (start wsdev with a larger --max-message)")
            return endByServer(
                code: CloseCode.tooBig, reason: "the handler printed a line over the message limit",
                explanation: "the handler for \(scriptName) printed a line longer than the \(maxLine)-byte message limit; start wsdev with a larger --max-message")
        }
        // Its output is over; give it a moment to exit by itself, then make it.
        let stopping = process.loop.assumeIsolated().scheduleTask(in: .seconds(1)) { [process] in process.stop() }
        process.whenFinished { [self] status in
            stopping.cancel()
            finish(status)
        }
    }

    private func finish(_ status: ChildProcess.Status) {
        process.stop()
        guard !clientLeft, !closeChosen else { return }
        guard status != .exited(0) else { return socket.close() }
        log.warning("WS   \(tag): \(scriptName) ended with \(status); closing with 1011")
        socket.close(
            code: CloseCode.internalError, reason: lastError ?? "\(scriptName) ended with \(status)",
            explanation: "the handler for \(scriptName) ended with \(status)" + (lastError.map { "; the last line it printed on stderr: \($0)" } ?? " and printed nothing on stderr"))
    }

    private func endByServer(code: UInt16, reason: String, explanation: String? = nil) {
        closeChosen = true
        socket.close(code: code, reason: reason, explanation: explanation)
        process.stop()
    }
}
