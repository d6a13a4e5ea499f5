import NIOCore
import NIOPosix

/// A process not started because the handler process limit was reached, and which one.
struct ProcessLimitReached: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// What a `PipedProcess` tells its owner, on the owner's event loop.
protocol PipedProcessOwner: AnyObject {
    /// One line (or record) of the process's standard output.
    func processPrinted(_ line: ByteBuffer)
    /// The lines of one read from its standard output have all been delivered.
    func processPrintedBatch()
    /// Its standard output ended; `tooLong` when it was cut off for a line over the limit.
    func processOutputEnded(tooLong: Bool)
    /// One line of its standard error.
    func processLogged(_ line: String)
    /// Its standard input takes more again after `isWritable` was false.
    func processWritable()
}

extension PipedProcessOwner {
    func processPrintedBatch() {}
}

/// A handler's process with its pipes on one event loop: what is written goes to its standard
/// input, its output arrives as lines (or records), its standard error as log lines. Nothing
/// waits on a thread, and nothing is read from the process while its owner cannot take more.
final class PipedProcess {
    let child: ChildProcess
    let loop: any EventLoop
    /// Held strongly until `stop()`, as the reader holds this process: a weak reference gives its
    /// object a side table, and every retain and release of it then takes the runtime's slow path,
    /// several per message (Benchmarks/README, "What limits wsdev", 7).
    var owner: (any PipedProcessOwner)?
    private var channel: (any Channel)?
    /// Standard input, once the pipe's channel is ready.
    private var input: StandardInput?
    private let inputDescriptor: CInt
    private var errors: (any Channel)?
    /// Written before the pipe's channel was ready.
    private var early: [ByteBuffer] = []
    private var closeInputWhenReady = false
    private var flushQueued = false
    private var stopped = false
    private let table: ProcessTable
    /// Whose reservation in `table` this process is (a handler file, as shown to people).
    private let tableOwner: String
    let reader: OutputReader

    /// Starts the process; its owner hears from it from the next turn of `loop` on. `largestRead`
    /// lets output that comes in large records (the pywebsocket bridge's) be read in fewer, larger reads.
    init(
        spawning path: String, arguments: [String] = [], environment: [String], directory: String?,
        on loop: any EventLoop, table: ProcessTable, owner: String, reserved: Bool = false, lineLimit: Int, largestRead: Int? = nil,
        framing: (@Sendable (ChannelPipeline.SynchronousOperations) throws -> Void)? = nil
    ) throws {
        // A process not set aside at its handshake (`ProcessTable.reserve`) is counted now.
        if !reserved, let why = table.reserve(for: owner) { throw ProcessLimitReached(reason: why) }
        let child: ChildProcess
        let pipes: ChildProcess.Pipes
        do {
            (child, pipes) = try ChildProcess.spawn(path, arguments: arguments, environment: environment, directory: directory)
        } catch {
            table.release(for: owner)
            throw error
        }
        self.child = child
        self.loop = loop
        self.table = table
        self.tableOwner = owner
        self.reader = OutputReader()
        self.inputDescriptor = pipes.input
        table.add(child)
        let bound = NIOLoopBound(self, eventLoop: loop)
        let reader = NIOLoopBound(self.reader, eventLoop: loop)
        // Large reads, so a large line is joined from few pieces; but one read per turn of the
        // event loop, so a handler that prints without pause cannot keep the loop from others.
        let allocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: max(largestRead ?? 0, 256 << 10))
        NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Set here rather than as the bootstrap's options, which it applies one future
                    // after another: for every process started.
                    guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
                    try options.setOption(.allowRemoteHalfClosure, value: true)
                    try options.setOption(.recvAllocator, value: allocator)
                    try options.setOption(.maxMessagesPerRead, value: 1)
                    let pipeline = channel.pipeline.syncOperations
                    if let framing { try framing(pipeline) } else { reader.value.lineLimit = lineLimit }
                    try pipeline.addHandler(reader.value)
                }
            }
            .takingOwnershipOfDescriptors(input: pipes.output, output: pipes.input)
            .assumeIsolated()
            .whenComplete { result in bound.value.ready(result) }
        NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ErrorReader(bound))
                }
            }
            .takingOwnershipOfDescriptor(input: pipes.error)
            .assumeIsolated()
            .whenSuccess { channel in bound.value.errors = channel }
        self.reader.process = self
    }

    private func ready(_ result: Result<any Channel, any Error>) {
        guard case .success(let channel) = result, !stopped else {
            if case .success(let channel) = result { channel.close(promise: nil) }
            return
        }
        self.channel = channel
        let input = StandardInput(channel: channel, descriptor: inputDescriptor)
        self.input = input
        for buffer in early { input.write(buffer) }
        early = []
        input.flush()
        if closeInputWhenReady { input.close() }
        // An owner paused by a full queue before the pipe was ready hears no writability change
        // from a pipe that never filled: tell it now.
        if channel.isWritable { owner?.processWritable() }
    }

    /// Queues bytes for the process's standard input; flushed once the event loop has handled
    /// everything else that became ready with them.
    func write(_ buffer: ByteBuffer) {
        guard let input else { return early.append(buffer) }
        input.write(buffer)
        guard !flushQueued else { return }
        flushQueued = true
        loop.assumeIsolated().execute { [self] in
            flushQueued = false
            self.input?.flush()
        }
    }

    /// Whether its standard input takes more without queueing past the pipe's limit.
    var isWritable: Bool { channel?.isWritable ?? (early.count < 64) }

    /// Stops (or resumes) reading the process's output, for an owner that cannot send it on.
    func pauseOutput(_ paused: Bool) {
        reader.paused = paused
    }

    /// End of input: the process reads end-of-file.
    func closeInput() {
        guard let input else { return closeInputWhenReady = true }
        input.close()
    }

    /// Closes the pipes and stops the process (SIGTERM, then SIGKILL), once.
    func stop() {
        guard !stopped else { return }
        stopped = true
        owner = nil
        reader.process = nil
        channel?.close(promise: nil)
        let errors = self.errors
        let (table, child, owner) = (self.table, self.child, self.tableOwner)
        child.stop(on: loop) { _ in
            table.remove(child, owner: owner)
            errors?.close(promise: nil)
        }
    }

    /// Calls `done` once the process has ended and its standard error has been read to the end
    /// (or a moment after the end, if something it started still holds the pipe), so that its
    /// last words are known.
    func whenFinished(_ done: @escaping (ChildProcess.Status) -> Void) {
        let bound = NIOLoopBound((self, done), eventLoop: loop)
        child.whenExited(on: loop) { status in
            let (process, done) = bound.value
            guard !process.errorEnded else { return done(status) }
            process.afterErrors = { done(status) }
            process.loop.assumeIsolated().scheduleTask(in: .milliseconds(250)) { process.errorChannelEnded() }
        }
    }

    private var errorEnded = false
    private var afterErrors: (() -> Void)?

    func errorChannelEnded() {
        errorEnded = true
        let waiting = afterErrors
        afterErrors = nil
        waiting?()
    }

    func logged(_ line: String) { owner?.processLogged(line) }
    func inputWritable() { owner?.processWritable() }
}
