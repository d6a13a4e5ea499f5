import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The outcome of the handshake, kept per connection so the channel knows which answer to give.
enum HandshakeOutcome {
    case accepted(Handshake.Accepted)
    case refused(UpgradeRefusal)
}

/// Wraps NIO's upgrader so every refusal is decided by `Handshake` first.
///
/// NIO alone drops the connection on a wrong `Sec-WebSocket-Version`; here every refusal is
/// recorded, the upgrade is declined, and `UpgradeChannel` answers with a real status and body.
struct WebSocketUpgrader: NIOTypedHTTPServerProtocolUpgrader {
    typealias UpgradeResult = UpgradeChannel.Negotiated

    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    let handshake: Handshake
    let outcome: NIOLoopBoundBox<HandshakeOutcome?>
    /// Made by `LoopUpgrade` when it read the request first; nil: not made yet.
    let decided: Handshake.Progress?
    let inner: NIOTypedWebSocketServerUpgrader<UpgradeChannel.Negotiated>

    init(
        handshake: Handshake, decided: Handshake.Progress?, sessions: SessionRunner, outcome: NIOLoopBoundBox<HandshakeOutcome?>, maxFrameSize: Int
    ) {
        self.handshake = handshake
        self.decided = decided
        self.outcome = outcome
        self.inner = NIOTypedWebSocketServerUpgrader(
            maxFrameSize: maxFrameSize,
            enableAutomaticErrorHandling: true,
            shouldUpgrade: { channel, _ in
                guard case .accepted(let accepted) = outcome.value else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders(accepted.responseHeaders))
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    guard case .accepted(let accepted) = outcome.value else {
                        throw ChannelError.inappropriateOperationForState
                    }
                    return try sessions.attach(channel, accepted: accepted)
                }
            }
        )
    }

    func buildUpgradeResponse(
        channel: any Channel,
        upgradeRequest: HTTPRequestHead,
        initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        let handshake = self.handshake
        let outcome = self.outcome
        let inner = self.inner
        let apply: @Sendable (Handshake.Decision) -> EventLoopFuture<HTTPHeaders> = { decision in
            switch decision {
            case .refuse(let refusal):
                outcome.value = .refused(refusal)
                return channel.eventLoop.makeFailedFuture(refusal)
            case .accept(let accepted):
                outcome.value = .accepted(accepted)
                return inner.buildUpgradeResponse(
                    channel: channel,
                    upgradeRequest: upgradeRequest,
                    initialResponseHeaders: initialResponseHeaders
                )
            }
        }
        switch decided ?? handshake.begin(upgradeRequest, remote: channel.remoteAddress, local: channel.localAddress) {
        case .decided(let decision):
            return apply(decision)
        case .waiting(let pending):
            let decided = channel.eventLoop.makePromise(of: Handshake.Decision.self)
            decided.completeWithTask { await handshake.finish(pending) }
            return decided.futureResult.flatMap(apply)
        }
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeChannel.Negotiated> {
        inner.upgrade(channel: channel, upgradeRequest: upgradeRequest)
    }
}
