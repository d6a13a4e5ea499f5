#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A handler process's standard input once its pipe's channel is ready. What is written between
/// two flushes is gathered and handed to the kernel in one write(2) while the pipe has room; once
/// it is full, the rest queues in the channel, which waits for room and reports writability (the
/// owner's backpressure). Order holds: while anything waits in the channel, everything goes there.
///
/// Why not the channel alone: NIO's write path for a pipe (the pipeline, its pending-writes queue,
/// and generic code it leaves unspecialised for pipe channels) cost a script handler a third of
/// its work per message, many times the write itself (Benchmarks/README, "What limits wsdev", 7).
final class StandardInput {
    /// Gathered bytes beyond this go through the channel, which takes a large message as it is
    /// instead of copying it.
    static let gatherLimit = 64 << 10

    private let channel: any Channel
    private let descriptor: CInt
    private var gathered: ByteBuffer
    /// Writes handed to the channel and not yet completed.
    private var waiting = 0
    private var unflushed = false
    private var closed = false

    /// `descriptor`: the pipe's write end, which `channel` owns and closes.
    init(channel: any Channel, descriptor: CInt) {
        self.channel = channel
        self.descriptor = descriptor
        self.gathered = channel.allocator.buffer(capacity: 512)
    }

    func write(_ buffer: ByteBuffer) {
        if waiting == 0, gathered.readableBytes + buffer.readableBytes <= Self.gatherLimit {
            gathered.writeImmutableBuffer(buffer)
        } else {
            passGathered()
            pass(buffer)
        }
    }

    func flush() {
        if gathered.readableBytes > 0 {
            // The descriptor is open while the channel is active and its output not closed: both
            // change only on this event loop.
            if !closed, channel.isActive {
                let written = gathered.withUnsafeReadableBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if written > 0 { gathered.moveReaderIndex(forwardBy: written) }
            }
            // Full (EAGAIN), or failing (EPIPE): the channel waits for room, or reports the error.
            if gathered.readableBytes > 0 { passGathered() } else { gathered.clear() }
        }
        if unflushed {
            unflushed = false
            channel.flush()
        }
    }

    /// End of input, after what was written: the process reads end-of-file.
    func close() {
        flush()
        closed = true
        channel.close(mode: .output, promise: nil)
    }

    private func passGathered() {
        guard gathered.readableBytes > 0 else { return }
        pass(gathered)
        gathered = channel.allocator.buffer(capacity: 512)
    }

    private func pass(_ buffer: ByteBuffer) {
        waiting += 1
        unflushed = true
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { [self] _ in waiting -= 1 }
        channel.write(buffer, promise: written)
    }
}
