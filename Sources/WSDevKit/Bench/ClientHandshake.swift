import Foundation
import NIOCore

/// The client side of the opening handshake (RFC 6455 §4.1), written by hand: one request out,
/// one `101` in, `Sec-WebSocket-Accept` checked, then the frame handlers take over and this one
/// leaves the pipeline. Bytes that follow the response in the same read go on to the decoder.
final class ClientHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let request: String
    private let expectedAccept: String
    private let installFrameHandlers: (ChannelPipeline.SynchronousOperations) throws -> Void
    private let finished: (Result<Void, any Error>) -> Void
    private var received: ByteBuffer?
    private var done = false
    /// A response head larger than this is not a WebSocket server talking.
    private static let maxHead = 16 * 1024

    init(
        target: BenchTarget,
        random: inout FastRandom,
        installFrameHandlers: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void,
        finished: @escaping (Result<Void, any Error>) -> Void
    ) {
        let nonce = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        let key = Data(nonce).base64EncodedString()
        let magic = Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)
        self.expectedAccept = Data(SHA1.digest(magic)).base64EncodedString()
        self.request = "GET \(target.resource) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
            + "Origin: http://\(target.hostHeader)\r\n\r\n"
        self.installFrameHandlers = installFrameHandlers
        self.finished = finished
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
        guard var buffer = received else { return }
        guard let end = Self.headEnd(in: buffer) else {
            if buffer.readableBytes > Self.maxHead { fail(context, "response head over \(Self.maxHead) bytes") }
            return
        }
        let head = buffer.readString(length: end) ?? ""
        if let problem = check(head) {
            fail(context, problem)
            return
        }
        done = true
        received = nil
        do {
            try installFrameHandlers(context.pipeline.syncOperations)
        } catch {
            fail(context, "could not install the frame handlers: \(error)")
            return
        }
        if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        finished(.success(()))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { fail(context, "connection closed during the handshake") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done { fail(context, "\(error)") } else { context.fireErrorCaught(error) }
    }

    private func fail(_ context: ChannelHandlerContext, _ reason: String) {
        guard !done else { return }
        done = true
        finished(.failure(BenchError("handshake: \(reason)")))
        context.close(promise: nil)
    }

    /// Nil when the response accepts our upgrade, else what is wrong with it.
    private func check(_ head: String) -> String? {
        let lines = head.components(separatedBy: "\r\n")
        guard let status = lines.first, status.hasPrefix("HTTP/1.1 101") else {
            return "expected 101 Switching Protocols, got \"\(lines.first ?? "")\""
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard fields["upgrade"]?.lowercased() == "websocket" else { return "no Upgrade: websocket" }
        guard fields["connection"]?.lowercased().contains("upgrade") == true else { return "no Connection: Upgrade" }
        guard fields["sec-websocket-accept"] == expectedAccept else {
            return "Sec-WebSocket-Accept \(fields["sec-websocket-accept"] ?? "missing"), expected \(expectedAccept)"
        }
        if let extensions = fields["sec-websocket-extensions"] { return "server chose extensions we did not offer: \(extensions)" }
        return nil
    }

    /// Length of the response head including its blank line, once all of it is here.
    private static func headEnd(in buffer: ByteBuffer) -> Int? {
        let view = buffer.readableBytesView
        guard view.count >= 4 else { return nil }
        var index = view.startIndex
        while index <= view.endIndex - 4 {
            if view[index] == 13, view[index + 1] == 10, view[index + 2] == 13, view[index + 3] == 10 {
                return index - view.startIndex + 4
            }
            index += 1
        }
        return nil
    }
}
