/// Tells a page why one of its WebSockets was refused or failed, over the page's live-reload
/// channel, so the reason shows in the browser (its console, and the overlay) and not only in a
/// terminal nobody in a workshop looks at.
///
/// A refused handshake names neither the page nor the tab that made it, so it goes to every page
/// that is plausibly the one: a page on the reload channel whose origin is the handshake's
/// `Origin` (a page of this server, as the browser says) and which connected from the same device
/// (the same address; any loopback address is this machine). A handshake with no `Origin` is not
/// a browser page's and is told to none. So a student's typo shows in that student's tabs of this
/// site and never on another device, unless both reach the server through one address (a NAT
/// or proxy in between), where it may show in each of their tabs.
struct PageErrors: Sendable {
    let hub: ReloadHub

    func watch(_ events: SocketEvents) {
        _ = events.watch(.problems) { [hub] event in Self.tell(event, hub: hub) }
    }

    static func tell(_ event: SocketEvent, hub: ReloadHub) {
        let (text, origin, remote): (String, String?, String)
        switch event {
        case .refused(let refused):
            text = "wsdev refused the WebSocket to \(refused.path) (HTTP \(refused.status)): \(refused.reason)"
            (origin, remote) = (refused.origin, refused.remote)
        case .failed(let failed):
            text = "wsdev closed the WebSocket to \(failed.path) (#\(failed.id)) with \(failed.code): \(failed.reason)"
            (origin, remote) = (failed.origin, failed.remote)
        default:
            return
        }
        guard let origin = origin?.lowercased() else { return }
        let device = Self.device(ofAddress: Self.address(in: remote))
        hub.tell(ReloadScript.error(text)) { page in
            page.origin?.lowercased() == origin && Self.device(ofAddress: page.remoteAddress) == device
        }
    }

    /// "192.0.2.7:50122" → "192.0.2.7"; "::1:50122" → "::1".
    static func address(in remote: String) -> String {
        guard let colon = remote.lastIndex(of: ":") else { return remote }
        return String(remote[..<colon])
    }

    /// One name per device: loopback addresses are all this machine, and an IPv4 client seen
    /// through an IPv6 socket (`::ffff:192.0.2.7`) is the same client.
    static func device(ofAddress address: String) -> String {
        if ConsoleAccess.isLoopback(address) { return "this machine" }
        return address.hasPrefix("::ffff:") ? String(address.dropFirst("::ffff:".count)) : address
    }
}
