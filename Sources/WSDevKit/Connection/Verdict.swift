import NIOCore
import NIOHTTP1

/// What a connection's first request turned out to be, which decides its route (see
/// `ConnectionPipeline`): the one type every route choice goes through.
enum Verdict {
    /// Plain HTTP: NIO's decoder reads the request again, and Hummingbird answers it.
    case http
    /// A WebSocket handshake accepted at once: the 101, then the engine.
    case upgrade(Handshake.Accepted, key: String, token: String)
    /// A WebSocket handshake whose endpoint must be asked first (it starts a process, or waits
    /// for a file to load): the connection waits, unread, for the answer.
    case admit(Handshake.Pending, key: String, token: String)
    /// An answer that ends the connection: a refused handshake, a malformed request.
    case refuse(UpgradeRefusal)

    /// The route for a first request's head.
    static func of(_ head: HTTPRequestHead, handshake: Handshake, channel: any Channel) -> Verdict {
        guard let token = SwitchingProtocols.upgradeToken(head) else { return .http }
        guard head.version == .http1_1 else {
            return .refuse(.badRequest("A WebSocket handshake must be an HTTP/1.1 request (RFC 6455 §4.1); this one said HTTP/\(head.version.major).\(head.version.minor)."))
        }
        let length = head.headers.first(name: "content-length")
        guard length == nil || length == "0", !head.headers.contains(name: "transfer-encoding") else {
            return .refuse(.badRequest("A WebSocket handshake carries no body (RFC 6455 §4.1); this one declared one."))
        }
        let key = head.headers.first(name: "sec-websocket-key") ?? ""
        switch handshake.begin(head, remote: channel.remoteAddress, local: channel.localAddress, loop: channel.eventLoop) {
        case .decided(.accept(let accepted)): return .upgrade(accepted, key: key, token: token)
        case .decided(.refuse(let refusal)): return .refuse(refusal)
        case .waiting(let pending): return .admit(pending, key: key, token: token)
        }
    }
}
