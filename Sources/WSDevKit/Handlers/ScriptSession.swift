import Foundation
import Logging
import NIOWebSocket
import Subprocess
import Synchronization
import SystemPackage
import WSCore

/// One WebSocket connection served by its own handler process (the websocketd model):
/// messages in → stdin lines, stdout lines → messages out, stderr → the log,
/// exit status → close code. Writes wait for the other side, so neither a flooding handler
/// nor a flooding client can grow the server's memory.
struct ScriptSession {
    let process: HandlerProcess
    let directives: HandlerDirectives
    let scriptName: String
    let connection: WebSocketConnection
    let log: Logger

    private enum Ending { case processEnded, clientEnded, refusedBinary, stderrEnded }

    func run() async throws {
        let info = connection.info
        let tag = "\(info.path) #\(info.id)"
        let outcome = HandlerOutcome()
        let format = directives.messages
        let result = try await process.run(environment: process.environment(HandlerEnvironment.variables(for: info, scriptName: scriptName))) { execution in
            try await withThrowingTaskGroup(of: Ending.self) { group in
                group.addTask {
                    await HandlerProcess.drainStandardError(of: execution, tag: tag, log: log, into: outcome)
                    return .stderrEnded
                }
                group.addTask {
                    for try await line in HandlerProcess.lines(execution.standardOutput, limit: connection.maxMessageBytes) {
                        switch HandlerMessages.action(for: HandlerProcess.trimmed(line), format: format) {
                        case .send(let frame):
                            try await connection.outbound.write(frame)
                        case .close(let code, let reason):
                            outcome.requestedClose = (code, reason)
                            return .processEnded
                        }
                    }
                    return .processEnded
                }
                group.addTask {
                    let stdin = execution.standardInputWriter
                    for try await message in connection.messages {
                        guard let line = HandlerMessages.line(for: message, format: format) else { return .refusedBinary }
                        _ = try await stdin.write(line + "\n")
                    }
                    try? await stdin.finish()
                    return .clientEnded
                }
                while let ending = try await group.next() {
                    switch ending {
                    case .stderrEnded:
                        continue
                    case .processEnded:
                        group.cancelAll()
                        await HandlerProcess.stop(execution)
                    case .clientEnded, .refusedBinary:
                        outcome.clientLeft = true
                        if ending == .refusedBinary {
                            try? await connection.outbound.close(.unacceptableData, reason: "this handler takes text; declare messages=json for binary")
                            log.warning("WS   \(tag): the client sent binary, but \(scriptName) reads lines of text. Add `wsdev: messages=json` to the handler to receive binary.")
                        }
                        group.cancelAll()
                        await HandlerProcess.stop(execution)
                    }
                    break
                }
            }
        }
        if outcome.clientLeft {
            log.debug("WS   \(tag): \(scriptName) stopped after the client left (\(HandlerProcess.describe(result.terminationStatus)))")
            return
        }
        if let (code, reason) = outcome.requestedClose {
            try? await connection.outbound.close(code, reason: reason)
            return
        }
        switch result.terminationStatus {
        case .exited(0):
            try? await connection.outbound.close(.normalClosure, reason: nil)
        case let status:
            let why = outcome.lastError ?? "\(scriptName) ended with \(HandlerProcess.describe(status))"
            log.warning("WS   \(tag): \(scriptName) ended with \(HandlerProcess.describe(status)); closing with 1011")
            try? await connection.outbound.close(.unexpectedServerError, reason: HandlerMessages.clip(why))
        }
    }
}
