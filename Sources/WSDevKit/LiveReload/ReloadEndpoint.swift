import Foundation
import Logging
import WSWire

/// `/__wsdev/reload`: the channel the injected script listens on.
///
/// The path is reserved and the subprotocol is wsdev's own, so a user's endpoints never collide
/// with it (unlike tools that answer every upgrade on every path). Only pages served by this
/// server know the token; one from an earlier run is closed with 1008 and reloads itself.
struct ReloadEndpoint: WebSocketEndpoint {
    let token: String
    let hub: ReloadHub
    let root: DocumentRoot
    let log: Logger

    var summary: String { "live reload (wsdev's own channel)" }

    func immediateAdmission(_ request: ConnectionInfo) -> Admission? {
        guard let presented = Self.parameter("token", in: request.query), !presented.isEmpty else {
            return .refuse(UpgradeRefusal(
                status: .forbidden,
                message: "\(request.path) is wsdev's live-reload channel: only the script wsdev puts into its pages connects here, "
                    + "with this run's token. Give your own WebSocket another path."))
        }
        guard request.offeredSubprotocols.contains(ReloadScript.subprotocol) else {
            return .refuse(.badRequest(
                "\(request.path) is wsdev's live-reload channel and speaks only the \(ReloadScript.subprotocol) subprotocol. "
                    + "Give your own WebSocket another path."))
        }
        return .accept(subprotocol: ReloadScript.subprotocol)
    }

    func open(_ socket: WebSocket) -> any WebSocketDelegate {
        let info = socket.info
        let page = Self.parameter("path", in: info.query) ?? "/"
        guard Self.parameter("token", in: info.query) == token else {
            log.info("live reload: a page at \(page.loggable) was served by an earlier wsdev run; telling it to reload")
            socket.close(code: CloseCode.policyViolation, reason: ReloadScript.staleReason)
            return Listening(hub: nil, id: info.id)
        }
        hub.join(socket, source: PageSource(urlPath: page, root: root))
        log.debug("live reload: \(page.loggable) is listening (\(hub.count) open)")
        return Listening(hub: hub, id: info.id)
    }

    /// A page on the channel; it never sends anything, and leaves when it goes away.
    private final class Listening: WebSocketDelegate {
        let hub: ReloadHub?
        let id: Int

        init(hub: ReloadHub?, id: Int) {
            self.hub = hub
            self.id = id
        }

        func received(_ message: WebSocketMessage) {}

        func closed() {
            hub?.leave(id)
        }
    }

    static func parameter(_ name: String, in query: String) -> String? {
        URLComponents(string: "/?" + query)?.queryItems?.first { $0.name == name }?.value
    }
}
