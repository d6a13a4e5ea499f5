import Foundation
import Logging
import NIOWebSocket
import Subprocess
import Synchronization
import SystemPackage
import WSCore

/// `wsdev: broadcast` — one process shared by every client of an endpoint: each client's
/// messages go to its stdin, each stdout line goes to every client. Started by the first client,
/// stopped (SIGTERM, then SIGKILL) when the last one leaves.
final class BroadcastGroup: Sendable {
    typealias Mailbox = AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation

    private struct Run {
        var members: [Int: Mailbox] = [:]
        var input: LineQueue?
        var task: Task<Void, Never>?
    }

    let process: HandlerProcess
    let directives: HandlerDirectives
    let scriptName: String
    private let state = Mutex(Run())

    init(process: HandlerProcess, directives: HandlerDirectives, scriptName: String) {
        self.process = process
        self.directives = directives
        self.scriptName = scriptName
    }

    func serve(_ connection: WebSocketConnection) async throws {
        // A slow reader loses the oldest lines rather than holding up everyone else.
        let (mailbox, post) = AsyncStream<WebSocketOutboundWriter.OutboundFrame>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let input = join(connection, post)
        defer { leave(connection.info.id) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in mailbox {
                    if case .custom(let close) = frame, close.opcode == .connectionClose {
                        var data = close.data
                        let code = data.readWebSocketErrorCode() ?? .normalClosure
                        try await connection.outbound.close(code, reason: data.readString(length: data.readableBytes))
                        return
                    }
                    try await connection.outbound.write(frame)
                }
            }
            group.addTask {
                for try await message in connection.messages {
                    guard let line = HandlerMessages.line(for: message, format: self.directives.messages) else {
                        try await connection.outbound.close(.unacceptableData, reason: "this handler takes text; declare messages=json for binary")
                        return
                    }
                    guard await input.send(line) else { return }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func join(_ connection: WebSocketConnection, _ mailbox: Mailbox) -> LineQueue {
        state.withLock { run in
            run.members[connection.info.id] = mailbox
            if let input = run.input { return input }
            let input = LineQueue()
            run.input = input
            let info = connection.info
            let log = connection.logger
            run.task = Task { await self.runProcess(first: info, input: input, log: log, maxLine: connection.maxMessageBytes) }
            return input
        }
    }

    private func leave(_ id: Int) {
        let input: LineQueue? = state.withLock { run in
            run.members[id] = nil
            guard run.members.isEmpty, let input = run.input else { return nil }
            run.input = nil
            return input
        }
        if let input { Task { await input.finish() } }
    }

    private func broadcast(_ frame: WebSocketOutboundWriter.OutboundFrame) {
        for mailbox in state.withLock({ Array($0.members.values) }) { mailbox.yield(frame) }
    }

    /// The shared process; its environment describes the client that started it.
    private func runProcess(first info: ConnectionInfo, input: LineQueue, log: Logger, maxLine: Int) async {
        let tag = "\(info.path) (broadcast)"
        let outcome = HandlerOutcome()
        let format = directives.messages
        do {
            let result = try await process.run(environment: process.environment(HandlerEnvironment.variables(for: info, scriptName: scriptName))) { execution in
                await HandlerProcess.pump(execution, input: input, tag: tag, log: log, outcome: outcome) { execution in
                    do {
                        for try await line in HandlerProcess.lines(execution.standardOutput, limit: maxLine) {
                            switch HandlerMessages.action(for: HandlerProcess.trimmed(line), format: format) {
                            case .send(let frame): self.broadcast(frame)
                            case .close(let code, let reason): self.closeAll(code, reason)
                            }
                        }
                    } catch {}
                }
            }
            let status = result.terminationStatus
            if case .exited(0) = status {
                closeAll(.normalClosure, "")
            } else if state.withLock({ !$0.members.isEmpty }) {
                log.warning("WS   \(tag): \(scriptName) ended with \(HandlerProcess.describe(status)); closing its clients with 1011")
                closeAll(.unexpectedServerError, HandlerMessages.clip(outcome.lastError ?? "\(scriptName) ended with \(HandlerProcess.describe(status))"))
            }
        } catch {
            log.error("WS   \(tag): could not start \(process.file): \(error)")
            closeAll(.unexpectedServerError, "handler could not start")
        }
        await input.finish()
        state.withLock { run in
            if run.input === input { run.input = nil }
        }
    }

    private func closeAll(_ code: WebSocketErrorCode, _ reason: String) {
        var payload = ByteBuffer()
        payload.write(webSocketErrorCode: code)
        payload.writeString(reason)
        broadcast(.custom(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
    }
}

import NIOCore
