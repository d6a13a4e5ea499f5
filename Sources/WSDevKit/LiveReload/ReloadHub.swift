import Synchronization

/// The pages listening on the reload channel, and what each is told when files change.
final class ReloadHub: Sendable {
    private struct Page {
        let source: PageSource
        let socket: WebSocket
    }

    /// What one batch of changes did; its description is the log line.
    struct Announcement: CustomStringConvertible {
        let changes: [String]
        let open: Int
        let reloaded: Int
        let restyled: Int

        var description: String {
            let shown = changes.prefix(3).map { $0.isEmpty ? "(many files)" : $0 }.joined(separator: ", ")
                + (changes.count > 3 ? " and \(changes.count - 3) more" : "")
            func pages(_ count: Int) -> String { "\(count) page\(count == 1 ? "" : "s")" }
            var told: [String] = []
            if reloaded > 0 { told.append("reloading \(pages(reloaded))") }
            if restyled > 0 { told.append("restyling \(pages(restyled)) in place") }
            if told.isEmpty { told.append(open == 0 ? "no page is open" : "none of the \(pages(open)) open shows it") }
            return "live reload: \(shown) changed; " + told.joined(separator: ", ")
        }
    }

    private let pages = Mutex<[Int: Page]>([:])

    /// Registers a page; it is told of the changes that concern it until it leaves.
    func join(_ socket: WebSocket, source: PageSource) {
        pages.withLock { $0[socket.info.id] = Page(source: source, socket: socket) }
    }

    func leave(_ id: Int) {
        _ = pages.withLock { $0.removeValue(forKey: id) }
    }

    var count: Int { pages.withLock { $0.count } }

    /// Sends `message` to the pages whose connection `matches`; returns how many.
    @discardableResult
    func tell(_ message: String, where matches: (ConnectionInfo) -> Bool) -> Int {
        pages.withLock { pages in
            var told = 0
            for page in pages.values where matches(page.socket.info) {
                page.socket.send(.text(message))
                told += 1
            }
            return told
        }
    }

    func announce(_ changes: [String]) -> Announcement {
        pages.withLock { pages in
            var reloaded = 0, restyled = 0
            for page in pages.values {
                switch page.source.reaction(to: changes) {
                case .reload:
                    page.socket.send(.text(ReloadScript.reload))
                    reloaded += 1
                case .restyle:
                    page.socket.send(.text(ReloadScript.restyle))
                    restyled += 1
                case .none:
                    break
                }
            }
            return Announcement(changes: changes, open: pages.count, reloaded: reloaded, restyled: restyled)
        }
    }
}
