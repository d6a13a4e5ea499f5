import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The outcome of the handshake, kept per connection so the channel knows which answer to give.
enum HandshakeOutcome {
    case accepted(Handshake.Accepted)
    case refused(UpgradeRefusal)
}

/// NIO's WebSocket upgrader, written out so that every refusal is decided by `Handshake` first
/// and the session is installed by `SessionRunner.attach` (NIO's would add its frame codec, which
/// `LoopSession` does not use).
///
/// NIO alone drops the connection on a wrong `Sec-WebSocket-Version`; here every refusal is
/// recorded, the upgrade is declined, and `UpgradeChannel` answers with a real status and body.
struct WebSocketUpgrader: NIOTypedHTTPServerProtocolUpgrader {
    typealias UpgradeResult = UpgradeChannel.Negotiated

    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    let handshake: Handshake
    let sessions: SessionRunner
    let outcome: NIOLoopBoundBox<HandshakeOutcome?>
    /// Made by `LoopUpgrade` when it read the request first; nil: not made yet.
    let decided: Handshake.Progress?

    func buildUpgradeResponse(
        channel: any Channel,
        upgradeRequest: HTTPRequestHead,
        initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        let handshake = self.handshake
        let outcome = self.outcome
        let apply: @Sendable (Handshake.Decision) -> EventLoopFuture<HTTPHeaders> = { decision in
            switch decision {
            case .refuse(let refusal):
                outcome.value = .refused(refusal)
                return channel.eventLoop.makeFailedFuture(refusal)
            case .accept(let accepted):
                outcome.value = .accepted(accepted)
                // `Handshake` checked that there is exactly one key.
                let key = upgradeRequest.headers.first(name: "sec-websocket-key") ?? ""
                var headers = HTTPHeaders(accepted.responseHeaders)  // as NIO's: not the initial ones
                headers.replaceOrAdd(name: "Upgrade", value: "websocket")
                headers.add(name: "Sec-WebSocket-Accept", value: AcceptKey.value(for: key))
                headers.replaceOrAdd(name: "Connection", value: "upgrade")
                return channel.eventLoop.makeSucceededFuture(headers)
            }
        }
        switch decided ?? handshake.begin(upgradeRequest, remote: channel.remoteAddress, local: channel.localAddress, loop: channel.eventLoop) {
        case .decided(let decision):
            return apply(decision)
        case .waiting(let pending):
            let decided = channel.eventLoop.makePromise(of: Handshake.Decision.self)
            decided.completeWithTask { await handshake.finish(pending) }
            return decided.futureResult.flatMap(apply)
        }
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeChannel.Negotiated> {
        channel.eventLoop.makeCompletedFuture {
            guard case .accepted(let accepted) = outcome.value else { throw ChannelError.inappropriateOperationForState }
            return try sessions.attach(channel, accepted: accepted)
        }
    }
}
