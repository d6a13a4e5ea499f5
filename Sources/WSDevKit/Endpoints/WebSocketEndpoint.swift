import Logging
import WSCore

/// Something that answers WebSocket connections on a path: a built-in or a handler file.
public protocol WebSocketEndpoint: Sendable {
    /// Shown in the banner next to the URL, e.g. "built-in echo" or "handlers/count.sh".
    var summary: String { get }
    /// Decides the handshake once the generic RFC 6455 checks have passed: which of the offered
    /// subprotocols to select, or why to refuse. Built-ins take the first offered protocol.
    func admit(_ request: ConnectionInfo) async -> Admission
    /// The answer to a handshake when it needs no waiting (no process to ask, no file to check),
    /// so the 101 goes out without starting a task; nil means "ask `admit`".
    func immediateAdmission(_ request: ConnectionInfo) -> Admission?
    func serve(_ connection: WebSocketConnection) async throws
}

extension WebSocketEndpoint {
    public func admit(_ request: ConnectionInfo) async -> Admission {
        .acceptFirstOffered(by: request)
    }

    public func immediateAdmission(_ request: ConnectionInfo) -> Admission? { nil }
}

/// An endpoint's answer to a handshake.
public enum Admission: Sendable {
    case accept(subprotocol: String?)
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

/// One open connection as an endpoint sees it.
public struct WebSocketConnection: Sendable {
    public let inbound: WebSocketInboundStream
    public let outbound: WebSocketOutboundWriter
    public let info: ConnectionInfo
    public let logger: Logger
    /// Largest message this server accepts; bigger ones close the connection with 1009.
    public let maxMessageBytes: Int

    /// Whole messages, reassembled from fragments and decompressed.
    public var messages: WebSocketInboundMessageStream { inbound.messages(maxSize: maxMessageBytes) }
}
