import Foundation
import NIOCore
import WSWire

/// The bridge's rare records that carry JSON: the handshake, the answer to it, ready and log lines.
enum BridgeJSON {
    /// What the handler's request object is built from.
    struct Handshake: Encodable {
        let resource: String
        let protocols: [String]
        /// Name and value pairs, in the order received (repeated names are joined by the bridge).
        let headers: [[String]]
        let remoteAddress: String
        let remotePort: Int
        let localPort: Int
    }

    struct Accept: Decodable {
        let `protocol`: String?
        let headers: [[String]]?
        let deflate: Bool?
    }

    struct Reject: Decodable {
        let status: Int?
        let reason: String?
    }

    struct Ready: Decodable {
        let passiveClosing: Bool?
    }

    struct Log: Decodable {
        let level: String
        let text: String
    }

    static func handshake(_ info: ConnectionInfo, allocator: ByteBufferAllocator) -> ByteBuffer {
        // HTTP/1.1's Host became the request's authority; pywebsocket handlers read it from headers_in.
        var headers = info.authority.map { [["Host", $0]] } ?? []
        for field in info.headers where field.name.canonicalName != "host" {
            headers.append([field.name.rawName, field.value])
        }
        let hello = Handshake(
            resource: info.query.isEmpty ? info.path : info.path + "?" + info.query, protocols: info.offeredSubprotocols,
            headers: headers, remoteAddress: info.remoteAddress, remotePort: info.remotePort, localPort: info.localPort)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var buffer = allocator.buffer(capacity: 512)
        buffer.writeBytes((try? encoder.encode(hello)) ?? Data("{}".utf8))
        return buffer
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ payload: ByteBuffer) -> Value? {
        try? JSONDecoder().decode(type, from: Data(payload.readableBytesView))
    }
}
