/// A bounded FIFO of lines between many producers and one consumer: `send` waits while full,
/// so a client that floods a shared handler slows down instead of growing the server's memory.
actor LineQueue {
    private var lines: [String] = []
    private var head = 0
    private let capacity: Int
    private var waitingProducers: [CheckedContinuation<Void, Never>] = []
    private var waitingConsumer: CheckedContinuation<String?, Never>?
    private var finished = false

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// False once the queue is finished (the consumer is gone).
    @discardableResult
    func send(_ line: String) async -> Bool {
        while !finished, lines.count - head >= capacity {
            await withCheckedContinuation { waitingProducers.append($0) }
        }
        guard !finished else { return false }
        if let consumer = waitingConsumer {
            waitingConsumer = nil
            consumer.resume(returning: line)
        } else {
            lines.append(line)
        }
        return true
    }

    /// The next line, or nil after `finish()`.
    func next() async -> String? {
        if head < lines.count {
            let line = lines[head]
            head += 1
            if head > 64, head * 2 > lines.count {
                lines.removeFirst(head)
                head = 0
            }
            if !waitingProducers.isEmpty { waitingProducers.removeFirst().resume() }
            return line
        }
        if finished { return nil }
        return await withCheckedContinuation { waitingConsumer = $0 }
    }

    func finish() {
        finished = true
        waitingConsumer?.resume(returning: nil)
        waitingConsumer = nil
        waitingProducers.forEach { $0.resume() }
        waitingProducers.removeAll()
    }
}
