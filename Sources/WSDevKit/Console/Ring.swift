/// The last `capacity` items appended, oldest first; older ones are overwritten in place, so the
/// memory a ring holds never grows past its capacity.
struct Ring<Item> {
    let capacity: Int
    private var items: [Item] = []
    /// Where the oldest item is, once the ring is full.
    private var start = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    mutating func append(_ item: Item) {
        guard capacity > 0 else { return }
        if items.count < capacity {
            items.append(item)
        } else {
            items[start] = item
            start = (start + 1) % capacity
        }
    }

    var all: [Item] { Array(items[start...] + items[..<start]) }

    var count: Int { items.count }
}
