import NIOHTTP1

/// `Sec-WebSocket-Protocol` offers (RFC 6455 §4.1): comma-separated tokens, possibly over several fields.
enum Subprotocols {
    static func offered(in headers: HTTPHeaders) -> [String] {
        headers["sec-websocket-protocol"]
            .flatMap { $0.split(separator: ",") }
            .map { String($0.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
            .filter { !$0.isEmpty }
    }
}
