import Synchronization

/// The pages listening on the reload channel, and what each is told when files change.
final class ReloadHub: Sendable {
    private struct Page {
        let source: PageSource
        let mailbox: AsyncStream<String>.Continuation
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

    /// Registers a page; what it should be told arrives on the returned stream.
    func join(_ id: Int, source: PageSource) -> AsyncStream<String> {
        let (mailbox, post) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(8))
        pages.withLock { $0[id] = Page(source: source, mailbox: post) }
        return mailbox
    }

    func leave(_ id: Int) {
        pages.withLock { $0.removeValue(forKey: id) }?.mailbox.finish()
    }

    var count: Int { pages.withLock { $0.count } }

    func announce(_ changes: [String]) -> Announcement {
        pages.withLock { pages in
            var reloaded = 0, restyled = 0
            for page in pages.values {
                switch page.source.reaction(to: changes) {
                case .reload:
                    page.mailbox.yield(ReloadScript.reload)
                    reloaded += 1
                case .restyle:
                    page.mailbox.yield(ReloadScript.restyle)
                    restyled += 1
                case .none:
                    break
                }
            }
            return Announcement(changes: changes, open: pages.count, reloaded: reloaded, restyled: restyled)
        }
    }
}
