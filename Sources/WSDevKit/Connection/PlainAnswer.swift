import HTTPTypes
import Logging
import NIOCore

/// A short HTTP answer written as bytes straight to the socket, after which the server closes the
/// connection: refused handshakes, and first requests that cannot be served (400, 408, 431, 503).
enum PlainAnswer {
    static func send(_ refusal: UpgradeRefusal, on channel: any Channel, log: Logger, kind: String = "WS   refused") {
        let address = channel.remoteAddress
        log.notice("\(kind) \(refusal.status.code) for \(address?.ipAddress ?? "?"):\(address?.port ?? 0): \(refusal.message.loggable)")
        let body = refusal.body
        var out = channel.allocator.buffer(capacity: 160 + body.readableBytes)
        out.writeString("HTTP/1.1 \(refusal.status.code) \(refusal.status.reasonPhrase)\r\n")
        for field in refusal.headers {
            out.writeString("\(field.name.rawName): \(field.value)\r\n")
        }
        out.writeStaticString("Connection: close\r\n\r\n")
        var bodyBytes = body
        out.writeBuffer(&bodyBytes)
        channel.writeAndFlush(out).whenComplete { _ in channel.close(promise: nil) }
    }
}
