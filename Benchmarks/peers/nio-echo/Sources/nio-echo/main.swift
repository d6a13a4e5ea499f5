// nio-echo PORT [THREADS]: a WebSocket echo server with nothing but SwiftNIO's channel per
// connection and one handler. No HTTP parser, no extensions, no UTF-8 or protocol checks: like
// `echo-server.c`, a measuring stick, not a server. It shows what a connection costs in NIO
// itself, which is the floor for any server built on it (wsdev included). Loopback only.
import Crypto
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Reads the handshake from raw bytes, answers 101, then echoes frames until a close.
final class RawEcho: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var open = false
    private var pending: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if var held = pending {
            held.writeBuffer(&input)
            input = held
            pending = nil
        }
        var out = context.channel.allocator.buffer(capacity: input.readableBytes + 160)
        if !open {
            guard let key = Self.handshakeKey(&input) else { return hold(input) }
            out.writeString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
            let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
            out.writeString(Self.base64(Array(digest)))
            out.writeString("\r\n\r\n")
            open = true
        }
        while let (opcode, payload) = Self.nextFrame(&input) {
            Self.writeFrame(opcode: opcode, payload: payload, into: &out)
            if opcode == 0x8 {
                context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in context.close(promise: nil) }
                return
            }
        }
        hold(input)
        if out.readableBytes > 0 { context.writeAndFlush(wrapOutboundOut(out), promise: nil) }
    }

    private func hold(_ input: ByteBuffer) {
        if input.readableBytes > 0 { pending = input }
    }

    /// The Sec-WebSocket-Key of a complete request head, which is consumed; nil until it is complete.
    static func handshakeKey(_ input: inout ByteBuffer) -> String? {
        let found: (end: Int, key: String)? = input.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 4, let end = (3..<bytes.count).first(where: {
                bytes[$0] == 10 && bytes[$0 - 1] == 13 && bytes[$0 - 2] == 10 && bytes[$0 - 3] == 13
            }) else { return nil }
            let name = Array("\r\nsec-websocket-key:".utf8)
            var key = ""
            var i = 0
            while i + name.count < end {
                if (0..<name.count).allSatisfy({ bytes[i + $0] | (bytes[i + $0] >= 65 && bytes[i + $0] <= 90 ? 0x20 : 0) == name[$0] }) {
                    var from = i + name.count
                    while bytes[from] == 32 { from += 1 }
                    var to = from
                    while bytes[to] != 13 { to += 1 }
                    key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
                    break
                }
                i += 1
            }
            return (end + 1, key)
        }
        guard let found else { return nil }
        input.moveReaderIndex(forwardBy: found.end)
        return found.key
    }

    /// A whole masked client frame's opcode and payload (unmasked in place), consumed; nil until one is whole.
    static func nextFrame(_ input: inout ByteBuffer) -> (UInt8, ByteBuffer)? {
        let start = input.readerIndex
        guard let first = input.getInteger(at: start, as: UInt8.self), let second = input.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        var length = Int(second & 0x7f), offset = 2
        if length == 126 {
            guard let value = input.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = Int(value); offset = 4
        } else if length == 127 {
            guard let value = input.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            length = Int(value); offset = 10
        }
        guard input.readableBytes >= offset + 4 + length, let mask = input.getInteger(at: start + offset, as: UInt32.self) else { return nil }
        input.withUnsafeMutableReadableBytes { bytes in
            let payload = UnsafeMutableRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)])
            let wide = UInt64(mask.bigEndian) << 32 | UInt64(mask.bigEndian)
            var i = 0
            while i + 8 <= length {
                payload.storeBytes(of: payload.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ wide, toByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < length {
                payload[i] ^= UInt8(truncatingIfNeeded: mask >> (24 - 8 * (i & 3)))
                i += 1
            }
        }
        input.moveReaderIndex(forwardBy: offset + 4)
        return (first & 0x0f, input.readSlice(length: length)!)
    }

    static func writeFrame(opcode: UInt8, payload: ByteBuffer, into out: inout ByteBuffer) {
        out.writeInteger(0x80 | opcode)
        switch payload.readableBytes {
        case ..<126: out.writeInteger(UInt8(payload.readableBytes))
        case ..<65536: out.writeInteger(UInt8(126)); out.writeInteger(UInt16(payload.readableBytes))
        default: out.writeInteger(UInt8(127)); out.writeInteger(UInt64(payload.readableBytes))
        }
        out.writeImmutableBuffer(payload)
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        for chunk in stride(from: 0, to: bytes.count, by: 3) {
            let n = min(3, bytes.count - chunk)
            let value = (0..<3).reduce(0) { $0 << 8 | ($1 < n ? Int(bytes[chunk + $1]) : 0) }
            for i in 0..<4 { out.append(i <= n ? table[(value >> (18 - 6 * i)) & 63] : UInt8(ascii: "=")) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let port = Int(arguments[1]) else {
    print("usage: nio-echo PORT [THREADS]")
    exit(2)
}
let threads = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
// One listening socket per event loop (SO_REUSEPORT), as wsdev binds them.
var channels: [any Channel] = []
for loop in group.makeIterator() {
    let channel = try ServerBootstrap(group: loop)
        .serverChannelOption(.backlog, value: 1024)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .serverChannelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RawEcho()) }
        }
        .bind(host: "127.0.0.1", port: port).wait()
    channels.append(channel)
}
print("nio-echo on 127.0.0.1:\(port), \(threads) event loop(s)")
try channels[0].closeFuture.wait()
