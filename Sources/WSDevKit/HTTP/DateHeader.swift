import Foundation
import Synchronization

/// The `Date` header every HTTP/1.1 response carries (RFC 9110 §6.6.1), formatted once a second.
final class DateHeader: Sendable {
    private let cached = Mutex<(second: Int, text: String)>((0, ""))

    var now: String {
        let second = Int(time(nil))
        return cached.withLock { cache in
            if cache.second != second { cache = (second, HTTPDate.string(from: second)) }
            return cache.text
        }
    }
}
