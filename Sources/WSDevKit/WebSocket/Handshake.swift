import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization
import WSCore

/// Decides, from the opening request alone, whether a WebSocket handshake is accepted (RFC 6455 §4.2.1).
final class Handshake: Sendable {
    struct Accepted: Sendable {
        let endpoint: any WebSocketEndpoint
        let info: ConnectionInfo
        let extensions: [any WebSocketExtension]
        /// Headers for the 101 beyond Upgrade/Connection/Accept, which NIO adds.
        let responseHeaders: HTTPFields
    }

    enum Decision: Sendable {
        case accept(Accepted)
        case refuse(UpgradeRefusal)
    }

    let endpoints: EndpointTable
    let extensions: [any WebSocketExtensionBuilder]
    private let nextID = Atomic<Int>(0)

    init(endpoints: EndpointTable, extensions: [any WebSocketExtensionBuilder]) {
        self.endpoints = endpoints
        self.extensions = extensions
    }

    func evaluate(_ head: HTTPRequestHead, remote: SocketAddress?) -> Decision {
        guard let request = try? HTTPRequest(head, secure: false, splitCookie: false) else {
            return .refuse(.badRequest("The WebSocket handshake request could not be read. Check the client's headers."))
        }
        guard request.method == .get else {
            return .refuse(.badRequest("WebSocket handshakes must use GET, not \(request.method.rawValue)."))
        }
        let path = String((request.path ?? "/").prefix { $0 != "?" })
        guard let endpoint = endpoints.endpoint(at: path) else {
            return .refuse(.notFound(path: path, known: endpoints.listing.map(\.path)))
        }
        let keys = request.headerFields[values: .secWebSocketKey]
        guard keys.count == 1, let key = Data(base64Encoded: keys[0]), key.count == 16 else {
            return .refuse(.badRequest("Sec-WebSocket-Key is missing or not 16 base64-encoded bytes (RFC 6455 §4.1). Use a WebSocket client library."))
        }
        let versions = request.headerFields[values: .secWebSocketVersion]
        guard versions == ["13"] else {
            return .refuse(.unsupportedVersion(versions.first))
        }
        let offered = Subprotocols.offered(in: request.headerFields)
        let selected = endpoint.selectSubprotocol(from: offered)
        var headers: HTTPFields = [:]
        let negotiated: [any WebSocketExtension]
        do {
            (headers, negotiated) = try extensions.serverExtensionNegotiation(requestHeaders: request.headerFields)
        } catch {
            return .refuse(.badRequest("Sec-WebSocket-Extensions could not be negotiated (\(error)). Offer permessage-deflate with valid parameters, or none."))
        }
        if let selected { headers[.secWebSocketProtocol] = selected }
        let id = nextID.add(1, ordering: .relaxed).newValue
        let info = ConnectionInfo(id: id, request: request, remote: remote, offered: offered, subprotocol: selected)
        return .accept(Accepted(endpoint: endpoint, info: info, extensions: negotiated, responseHeaders: headers))
    }
}
