import NIOCore
import NIOHTTP1

/// What `FirstRequest` and `LoopUpgrade` share: deciding a first request's head, and answering
/// the handshakes that are served on the event loop. The two differ only in where the head comes
/// from (the raw bytes, or NIO's decoder) and in how they step aside.
struct LoopHandshake {
    /// Installs the standard pipeline at the end of the channel's, told what was read.
    typealias Fallback = (any Channel, FirstRead) throws -> EventLoopFuture<UpgradeChannel.Negotiated>

    enum Decision {
        /// A handshake accepted at once, for an `EventLoopEndpoint`, with no extension.
        case answer(Handshake.Accepted, upgrade: String, key: String)
        /// Anything else: the standard pipeline takes it, told this.
        case handOver(FirstRead)
    }

    let handshake: Handshake
    let sessions: SessionRunner
    let arrival: Arrival
    let fallback: Fallback

    func decide(_ head: HTTPRequestHead, on channel: any Channel) -> Decision {
        guard let upgrade = SwitchingProtocols.upgradeToken(head) else { return .handOver(.http) }
        let progress = handshake.begin(head, remote: channel.remoteAddress, local: channel.localAddress, loop: channel.eventLoop)
        guard let (accepted, key) = SwitchingProtocols.onLoop(progress, head) else { return .handOver(.handshake(progress)) }
        return .answer(accepted, upgrade: upgrade, key: key)
    }

    /// Writes the 101 and installs the session; the caller then removes its own handlers.
    func answer(_ context: ChannelHandlerContext, _ accepted: Handshake.Accepted, upgrade: String, key: String) throws -> UpgradeChannel.Negotiated {
        let response = SwitchingProtocols.response(accepted, upgrade: upgrade, key: key, allocator: context.channel.allocator)
        context.writeAndFlush(NIOAny(response), promise: nil)
        return try sessions.attach(context.channel, accepted: accepted)
    }

    /// The standard pipeline, told what was read; fails the connection if it cannot be built.
    func handOver(_ channel: any Channel, _ read: FirstRead) throws {
        arrival.completeWith(try fallback(channel, read))
    }
}
