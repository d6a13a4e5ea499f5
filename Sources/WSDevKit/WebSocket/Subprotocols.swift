import HTTPTypes

/// `Sec-WebSocket-Protocol` offers (RFC 6455 §4.1): comma-separated tokens, possibly over several fields.
enum Subprotocols {
    static func offered(in headers: HTTPFields) -> [String] {
        headers[values: .secWebSocketProtocol]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

import Foundation
