import Synchronization

/// A dictionary the event loops and request tasks share, bounded by entries and by bytes: when a
/// new value would pass either bound it starts again empty (cheap, and a dev site is small).
/// Holds the caches of small files, of complete answers, and of media types.
final class BoundedStore<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Stored {
        let value: Value
        let bytes: Int
    }

    private struct Contents {
        var entries: [Key: Stored] = [:]
        var bytes = 0
    }

    private let contents = Mutex(Contents())
    private let maxEntries: Int
    private let budget: Int

    init(maxEntries: Int = 4096, budget: Int = 32 << 20) {
        self.maxEntries = maxEntries
        self.budget = budget
    }

    subscript(key: Key) -> Value? {
        contents.withLock { $0.entries[key]?.value }
    }

    /// Stores `value`, which holds `bytes` bytes of content, in place of any value `key` had.
    func insert(_ value: Value, bytes: Int = 0, for key: Key) {
        contents.withLock { contents in
            if contents.entries.count >= maxEntries || contents.bytes + bytes > budget { contents = Contents() }
            if let old = contents.entries.updateValue(Stored(value: value, bytes: bytes), forKey: key) { contents.bytes -= old.bytes }
            contents.bytes += bytes
        }
    }

    /// Removes `key`'s value when `isStale` says so of the value stored at that moment (another
    /// thread may have replaced the one the caller found stale).
    func remove(_ key: Key, if isStale: (Value) -> Bool) {
        contents.withLock { contents in
            guard let stored = contents.entries[key], isStale(stored.value) else { return }
            contents.entries[key] = nil
            contents.bytes -= stored.bytes
        }
    }
}
