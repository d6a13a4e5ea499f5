import Logging

/// Something that answers WebSocket connections on a path: a built-in or a handler file.
///
/// An endpoint decides the handshake (`immediateAdmission`, else `admit`) and then, for each
/// accepted connection, gives the delegate that receives its messages. It never knows how the
/// frames are read or written: one engine (`WebSocketSession`) carries every endpoint.
public protocol WebSocketEndpoint: Sendable {
    /// Shown in the banner next to the URL, e.g. "built-in echo" or "handlers/count.sh".
    var summary: String { get }
    /// Decides the handshake once the generic RFC 6455 checks have passed: which of the offered
    /// subprotocols to select, or why to refuse. Built-ins take the first offered protocol.
    func admit(_ request: ConnectionInfo) async -> Admission
    /// The answer to a handshake when it needs no waiting (no process to ask, no file to check),
    /// so the 101 goes out without starting a task; nil means "ask `admit`".
    func immediateAdmission(_ request: ConnectionInfo) -> Admission?
    /// The 101 is out: the delegate for this connection. Called on the connection's event loop.
    func open(_ socket: WebSocket) -> any WebSocketDelegate
    /// An accepted handshake whose connection ended before `open` (what admission set aside for
    /// it can be let go).
    func abandon(_ request: ConnectionInfo)
}

extension WebSocketEndpoint {
    public func admit(_ request: ConnectionInfo) async -> Admission {
        immediateAdmission(request) ?? .acceptFirstOffered(by: request)
    }

    public func immediateAdmission(_ request: ConnectionInfo) -> Admission? { nil }

    public func abandon(_ request: ConnectionInfo) {}
}

/// An endpoint's answer to a handshake.
public enum Admission: Sendable {
    case accept(subprotocol: String?, headers: [(String, String)] = [], deflate: Bool = true)
    case refuse(UpgradeRefusal)

    /// What built-ins answer: yes, with the first subprotocol the client offered, if any.
    public static func acceptFirstOffered(by request: ConnectionInfo) -> Admission {
        .accept(subprotocol: request.offeredSubprotocols.first)
    }

    /// The first offered protocol the endpoint supports; a refusal that names both lists when none fits.
    public static func select(from offered: [String], supported: [String], path: String) -> Admission {
        guard !offered.isEmpty else { return .accept(subprotocol: nil) }
        if let match = offered.first(where: supported.contains) { return .accept(subprotocol: match) }
        return .refuse(.badRequest(
            "\(path) supports the subprotocols \(supported.joined(separator: ", ")), but the client offered \(offered.joined(separator: ", ")). "
                + "Change the protocols passed to new WebSocket(url, protocols), or the endpoint's list."))
    }
}
