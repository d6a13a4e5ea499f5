import NIOCore
import NIOEmbedded
import WSDevKit

/// The whole engine on an `EmbeddedChannel` with the real `/echo` delegate, fed a client's bytes
/// cut into reads. Besides not crashing: it holds no more than one frame and one message, sends
/// only well-formed frames (`ServerFrames`), at most one close frame, and however the client
/// behaves the connection ends (a silent client within two ping intervals and the close
/// timeout), with `closed()` heard exactly once.
///
/// Input: an options byte, a read-size byte, then the client's bytes.
/// Options: bits 0-1 the message limit, bits 2-4 the extension offer (with `deflate`),
/// bit 5 the socket turns unwritable every other read, bit 6 three seconds pass after each read.
enum SessionHarness {
    private static let limits = [100, 1000, 65_536, 1 << 20]
    private static let offers = [
        "permessage-deflate",
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover; server_max_window_bits=8",
        "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=15",
        "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=10",
    ]
    private static let pingInterval = TimeAmount.seconds(5)
    private static let closeTimeout = TimeAmount.seconds(10)

    static func run(_ data: UnsafeRawBufferPointer, deflate: Bool) {
        guard data.count >= 2 else { return }
        let options = data[0]
        let readSize = Int(data[1]) + 1
        let limit = limits[Int(options & 0x03)]
        let offer = deflate ? offers[Int(options >> 2) & 0x07] : nil
        let channel = EmbeddedChannel()
        let loop = channel.embeddedEventLoop
        let probe: EchoSessionProbe
        do {
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9998)).wait()
            probe = try EchoSessionProbe(channel: channel, maxMessageBytes: limit, extensionOffer: offer, pingInterval: pingInterval, closeTimeout: closeTimeout)
        } catch {
            fatalError("the harness could not set up its channel: \(error)")
        }
        require(!deflate || probe.deflate != nil, "offer \(offer ?? "") declined")
        var sent = ServerFrames(deflate: probe.deflate, maxMessage: limit)
        let stream = data.dropFirst(2)
        var start = stream.startIndex
        var read = 0
        while start < stream.endIndex, channel.isActive {
            let end = min(start + readSize, stream.endIndex)
            _ = try? channel.writeInbound(ByteBuffer(bytes: stream[start..<end]))
            start = end
            read += 1
            if options & 0x20 != 0 { toggleWritable(channel, writable: read % 2 == 0) }
            if options & 0x40 != 0 { loop.advanceTime(by: .seconds(3)) }
            loop.run()
            drain(channel, into: &sent)
            if channel.isActive { checkHeld(probe, limit: limit) }
        }
        // However the client behaved, silence from here on must end the connection.
        toggleWritable(channel, writable: true)
        for _ in 0..<2 { loop.advanceTime(by: pingInterval); drain(channel, into: &sent) }
        loop.advanceTime(by: closeTimeout + .seconds(1))
        drain(channel, into: &sent)
        require(!channel.isActive, "the connection was still open after two ping intervals and the close timeout")
        require(sent.closes <= 1, "\(sent.closes) close frames")
        require(sent.endsOnFrame, "the output ends inside a frame")
        require(probe.closedCalls == (1, 1), "closed() heard \(probe.closedCalls) times")
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    private static func drain(_ channel: EmbeddedChannel, into sent: inout ServerFrames) {
        while let out = try? channel.readOutbound(as: ByteBuffer.self) { sent.take(out) }
    }

    private static func toggleWritable(_ channel: EmbeddedChannel, writable: Bool) {
        guard channel.isActive, channel.isWritable != writable else { return }
        channel.isWritable = writable
        channel.pipeline.fireChannelWritabilityChanged()
    }

    /// One frame's header and payload at most, and one message at most.
    private static func checkHeld(_ probe: EchoSessionProbe, limit: Int) {
        let held = probe.heldBytes
        require(held.unread <= 14 + limit, "\(held.unread) bytes held for a frame under a \(limit)-byte limit")
        require(held.partial <= limit, "\(held.partial) bytes of a message held under a \(limit)-byte limit")
    }
}
