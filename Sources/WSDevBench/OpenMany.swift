/// Opens `count` connections with at most `window` handshakes under way at once, so a backlog
/// of 1024 (or 128) is never flooded; failures are counted, not thrown.
struct OpenMany {
    let opened: [Connector.Connection]
    let failures: Int
    let firstFailure: String?

    init(_ connector: Connector, count: Int, window: Int) async {
        var opened: [Connector.Connection] = []
        var failures = 0
        var firstFailure: String?
        await withTaskGroup(of: Result<Connector.Connection, any Error>.self) { group in
            var next = 0
            while next < count || !group.isEmpty {
                while next < count && next < opened.count + failures + max(1, window) {
                    let index = next
                    next += 1
                    group.addTask {
                        do { return .success(try await connector.open(index)) } catch { return .failure(error) }
                    }
                }
                switch await group.next() {
                case .success(let connection)?: opened.append(connection)
                case .failure(let error)?:
                    failures += 1
                    if firstFailure == nil { firstFailure = "connect: \(error)" }
                case nil: break
                }
            }
        }
        self.opened = opened
        self.failures = failures
        self.firstFailure = firstFailure
    }
}
