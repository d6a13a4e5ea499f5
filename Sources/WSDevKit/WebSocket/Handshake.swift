import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization
import WSWire

/// Decides whether a WebSocket handshake is accepted (RFC 6455 §4.2.1): first the Host (DNS
/// rebinding), then the checks every handshake must pass, then the origin policy, then the
/// endpoint's own admission.
final class Handshake: Sendable {
    struct Accepted: Sendable {
        let endpoint: any WebSocketEndpoint
        let info: ConnectionInfo
        /// permessage-deflate, when the client offered it and the server and endpoint allow it.
        let deflate: PerMessageDeflate?
        /// Headers for the 101 beyond Upgrade/Connection/Accept.
        let responseHeaders: HTTPFields
    }

    enum Decision: Sendable {
        case accept(Accepted)
        case refuse(UpgradeRefusal)
    }

    let endpoints: EndpointTable
    /// Whether permessage-deflate may be negotiated (off with `--no-deflate`).
    let deflate: Bool
    let origins: OriginPolicy
    let hosts: AllowedHosts
    private let nextID = Atomic<Int>(0)
    /// wsdev's own connections (live reload) count down from -1, so users' sockets are #1, #2…
    private let nextReservedID = Atomic<Int>(0)

    init(endpoints: EndpointTable, deflate: Bool, origins: OriginPolicy, hosts: AllowedHosts = AllowedHosts()) {
        self.endpoints = endpoints
        self.deflate = deflate
        self.origins = origins
        self.hosts = hosts
    }

    /// A handshake that passed the generic checks and waits for its endpoint's `admit`.
    struct Pending: Sendable {
        let endpoint: any WebSocketEndpoint
        let head: HTTPRequestHead
        let info: ConnectionInfo
    }

    enum Progress: Sendable {
        case decided(Decision)
        case waiting(Pending)
    }

    /// Everything that needs no waiting; most built-ins decide here, so no task is started.
    func begin(_ head: HTTPRequestHead, remote: SocketAddress?, local: SocketAddress?, loop: any EventLoop) -> Progress {
        // First, so that a page by a foreign name learns nothing, not even which endpoints exist.
        let host = head.headers.single("host")
        if let refusal = hosts.refusal(host) {
            return .decided(.refuse(UpgradeRefusal(status: refusal.status, message: refusal.message)))
        }
        let (endpoint, path): (any WebSocketEndpoint, String)
        switch check(head) {
        case .failure(let refusal): return .decided(.refuse(refusal))
        case .success(let passed): (endpoint, path) = passed
        }
        // The Host names this server now, so an Origin equal to it is one of this server's pages.
        let allowedHost: String? = if case .one(let value) = host { value } else { nil }
        if let refusal = origins.check(origin: head.headers.first(name: "origin"), host: allowedHost) {
            return .decided(.refuse(refusal))
        }
        let id = ReservedPaths.contains(path)
            ? nextReservedID.subtract(1, ordering: .relaxed).newValue : nextID.add(1, ordering: .relaxed).newValue
        let info = ConnectionInfo(id: id, head: head, remote: remote, local: local, offered: Subprotocols.offered(in: head.headers), eventLoop: loop)
        let pending = Pending(endpoint: endpoint, head: head, info: info)
        guard let admission = endpoint.immediateAdmission(pending.info) else { return .waiting(pending) }
        return .decided(conclude(pending, admission))
    }

    /// The endpoint's own admission, for those that must ask a process or check a file first.
    func finish(_ pending: Pending) async -> Decision {
        conclude(pending, await pending.endpoint.admit(pending.info))
    }

    private func conclude(_ pending: Pending, _ admission: Admission) -> Decision {
        var info = pending.info
        let (subprotocol, extra, deflateAllowed): (String?, [(String, String)], Bool)
        switch admission {
        case .refuse(let refusal):
            return .refuse(refusal)
        case .accept(let chosen, let headers, let allowsDeflate):
            (subprotocol, extra, deflateAllowed) = (chosen, headers, allowsDeflate)
        }
        info.subprotocol = subprotocol
        var headers = Self.noFields
        var negotiated: PerMessageDeflate?
        if deflate, deflateAllowed, pending.head.headers.contains(name: "sec-websocket-extensions") {
            negotiated = PerMessageDeflate.accept(offers: pending.head.headers["sec-websocket-extensions"])
            if let negotiated {
                info.extensions = negotiated.responseHeader
                headers[.secWebSocketExtensions] = negotiated.responseHeader
            }
        }
        if let subprotocol { headers[.secWebSocketProtocol] = subprotocol }
        for (name, value) in extra {
            guard let field = HTTPField.Name(name) else { continue }
            headers.append(HTTPField(name: field, value: value))
        }
        return .accept(Accepted(endpoint: pending.endpoint, info: info, deflate: negotiated, responseHeaders: headers))
    }

    /// Copied, not built, for the usual 101 without extra headers: a new `HTTPFields` allocates
    /// its storage.
    private static let noFields = HTTPFields()

    /// The rules every handshake must pass, whatever the endpoint.
    private func check(_ head: HTTPRequestHead) -> Result<(any WebSocketEndpoint, path: String), UpgradeRefusal> {
        guard head.method == .GET else {
            return .failure(.badRequest("WebSocket handshakes must use GET, not \(head.method.rawValue)."))
        }
        let path = String(RequestTarget.split(head.uri).path)
        guard let endpoint = endpoints.endpoint(at: path) else {
            return .failure(.notFound(path: path, known: endpoints.listing.map(\.path)))
        }
        guard case .one(let key) = head.headers.single("sec-websocket-key"), Base64.isSixteenBytes(key) else {
            return .failure(.badRequest("Sec-WebSocket-Key is missing or not 16 base64-encoded bytes (RFC 6455 §4.1). Use a WebSocket client library."))
        }
        switch head.headers.single("sec-websocket-version") {
        case .one(let version) where version == "13": break
        case .one(let version): return .failure(.unsupportedVersion(version))
        case .none: return .failure(.unsupportedVersion(nil))
        case .many: return .failure(.unsupportedVersion(head.headers.first(name: "sec-websocket-version")))
        }
        return .success((endpoint, path))
    }
}
