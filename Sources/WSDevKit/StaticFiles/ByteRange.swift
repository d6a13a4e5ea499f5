/// A single `Range: bytes=…` request (RFC 9110 §14), resolved against a file size.
package enum ByteRange: Equatable {
    /// Serve these bytes with 206.
    case partial(ClosedRange<Int>)
    /// Answer 416 with `Content-Range: bytes */SIZE`.
    case unsatisfiable
    /// Not a range we honour (malformed, multiple ranges, other unit): serve the whole file.
    case ignored

    package init(header: String, size: Int) {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix("bytes=") else { self = .ignored; return }
        let spec = value.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { self = .ignored; return }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        switch (Int(first), Int(last)) {
        case (nil, let suffix?) where first.isEmpty && suffix >= 0:
            guard suffix > 0, size > 0 else { self = .unsatisfiable; return }
            self = .partial(max(0, size - suffix)...(size - 1))
        case (let start?, nil) where last.isEmpty && start >= 0:
            self = start < size ? .partial(start...(size - 1)) : .unsatisfiable
        case (let start?, let end?) where start >= 0 && end >= start:
            self = start < size ? .partial(start...min(end, size - 1)) : .unsatisfiable
        default:
            self = .ignored
        }
    }
}

import Foundation
