/// `/__wsdev/console`: the channel the console page reads its events from. Like the live-reload
/// channel it has its own subprotocol, so no page connects to it by mistake; and, stricter than
/// any other endpoint, only pages of this server (or clients that are not browsers) may open it,
/// whatever `--origin` or `--allow-any-origin` allow, since it carries every client's messages.
struct ConsoleEndpoint: WebSocketEndpoint {
    static let path = "/__wsdev/console"
    static let subprotocol = "wsdev-console"

    let hub: ConsoleHub
    let access: ConsoleAccess

    var summary: String { "live console (wsdev's own channel)" }

    func immediateAdmission(_ request: ConnectionInfo) -> Admission? {
        guard request.offeredSubprotocols.contains(Self.subprotocol) else {
            return .refuse(.badRequest(
                "\(request.path) is wsdev's live-console channel and speaks only the \(Self.subprotocol) subprotocol. "
                    + "Open the console page, /__wsdev/, or give your own WebSocket another path."))
        }
        guard access.allows(address: request.remoteAddress, presented: ReloadEndpoint.parameter("token", in: request.query)) else {
            return .refuse(UpgradeRefusal(status: .forbidden, message: ConsoleAccess.refusal(path: request.path)))
        }
        if let origin = request.origin, !OriginPolicy.isOrigin(origin, ofHost: request.authority ?? "") {
            return .refuse(UpgradeRefusal(
                status: .forbidden,
                message: "Only wsdev's console page (/__wsdev/ on this server) may open \(request.path); a page from \(origin.loggable) may not."))
        }
        return .accept(subprotocol: Self.subprotocol, deflate: true)
    }

    func open(_ socket: WebSocket) -> any WebSocketDelegate {
        ConsoleSession(feed: ConsoleFeed(socket: socket, hub: hub))
    }
}
