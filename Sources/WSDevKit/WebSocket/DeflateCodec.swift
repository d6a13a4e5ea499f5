import CompressNIO
import NIOCore

/// One connection's permessage-deflate compression (RFC 7692 §7.2), on its event loop.
///
/// Each zlib stream is made when first needed: a browser offers the extension on every
/// connection, and most of those connections never carry a message big enough to compress, so
/// they never pay for zlib's state (a deflate stream holds about 256 KiB).
package final class DeflateCodec {
    package enum Failure: Error {
        /// The inflated message grew past the limit.
        case tooBig
        /// The payload is not a deflate stream.
        case corrupt
    }

    let parameters: PerMessageDeflate
    private var inflater: ZlibDecompressor?
    private var deflater: ZlibCompressor?
    /// Smaller messages go out uncompressed: the frame would hardly shrink.
    static let smallest = 256
    /// The four bytes a sender drops from the end of every compressed message (§7.2.1).
    private static let tail = ByteBuffer(bytes: [0x00, 0x00, 0xFF, 0xFF])

    package init(_ parameters: PerMessageDeflate) {
        self.parameters = parameters
    }

    /// Inflates one frame's payload of a compressed message onto `output`, with the dropped tail
    /// after the message's last frame.
    package func inflate(_ payload: ByteBuffer, into output: inout ByteBuffer, limit: Int, last: Bool) throws(Failure) {
        let stream: ZlibDecompressor
        if let inflater {
            stream = inflater
        } else {
            do { stream = try ZlibDecompressor(algorithm: .deflate, windowSize: 15) } catch { throw .corrupt }
            inflater = stream
        }
        var ended = false
        if payload.readableBytes > 0 { ended = try Self.inflate(payload, with: stream, into: &output, limit: limit) }
        if last, !ended { ended = try Self.inflate(Self.tail, with: stream, into: &output, limit: limit) }
        // A message may end its deflate stream (BFINAL); the next one then starts a new stream.
        if ended { try? stream.reset() }
    }

    /// Inflates `input` onto `output`; true when the deflate stream has ended.
    private static func inflate(_ input: ByteBuffer, with stream: ZlibDecompressor, into output: inout ByteBuffer, limit: Int) throws(Failure) -> Bool {
        var input = input
        var more = true
        while more {
            if output.writableBytes == 0 {
                guard output.readableBytes <= limit else { throw .tooBig }
                output.reserveCapacity(minimumWritableBytes: min(max(output.readableBytes, 4096), limit + 1 - output.readableBytes))
            }
            let before = (input.readableBytes, output.readableBytes)
            do {
                try stream.inflate(from: &input, to: &output)
                // zlib took nothing and gave nothing: the stream is over (whatever follows is ignored).
                if before == (input.readableBytes, output.readableBytes) { return true }
                more = input.readableBytes > 0
            } catch let error as CompressNIOError where error == .bufferOverflow {
                more = true  // the output was full: room for more, and again
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                more = false  // all of this input is in; the rest of the message comes later
            } catch {
                throw .corrupt
            }
            guard output.readableBytes <= limit else { throw .tooBig }
        }
        return false
    }

    /// The message compressed, ready for a frame with RSV1 set; nil when it should go as it is.
    func deflate(_ payload: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard payload.readableBytes >= Self.smallest, parameters.canCompress else { return nil }
        do {
            let stream: ZlibCompressor
            if let deflater {
                stream = deflater
            } else {
                let bits = Int32(parameters.serverMaxWindowBits ?? 15)
                // Level 1: on a development machine's loopback or LAN, CPU is scarcer than bytes.
                stream = try ZlibCompressor(algorithm: .deflate, configuration: ZlibConfiguration(windowSize: bits, compressionLevel: 1, memoryLevel: 8))
                deflater = stream
            }
            var input = payload
            var output = allocator.buffer(capacity: stream.maxSize(from: input))
            try stream.deflate(from: &input, to: &output, flush: .sync)
            if parameters.serverNoContextTakeover { try stream.reset() }
            guard output.readableBytes >= 4 else { return nil }
            output.moveWriterIndex(to: output.writerIndex - 4)  // the 00 00 FF FF the receiver puts back
            return output
        } catch {
            deflater = nil  // a stream that failed once is not trusted again; this message goes plain
            return nil
        }
    }
}
