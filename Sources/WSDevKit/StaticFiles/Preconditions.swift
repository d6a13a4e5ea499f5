/// Conditional request evaluation (RFC 9110 §13) for one file.
package struct Preconditions {
    let ifNoneMatch: String?
    let ifModifiedSince: String?
    let ifRange: String?

    package init(ifNoneMatch: String?, ifModifiedSince: String?, ifRange: String?) {
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifRange = ifRange
    }

    /// True when the client's cached copy is current, so a 304 is the answer.
    func notModified(_ file: FileInfo) -> Bool {
        notModified(etag: file.etag, modifiedSeconds: file.modifiedSeconds)
    }

    /// The same, for a representation with validators of its own (a page with the reload script).
    package func notModified(etag: String, modifiedSeconds: Int) -> Bool {
        if let ifNoneMatch {
            // If-None-Match takes precedence; weak comparison.
            return ifNoneMatch.split(separator: ",").contains { tag in
                let tag = tag.trimmingCharacters(in: .whitespaces)
                return tag == "*" || Self.opaque(tag) == Self.opaque(etag)
            }
        }
        if let ifModifiedSince, let since = HTTPDate.seconds(from: ifModifiedSince) {
            return modifiedSeconds <= since
        }
        return false
    }

    /// True when a Range header may be honoured: no If-Range, or one naming the current version.
    func rangeAllowed(_ file: FileInfo) -> Bool {
        rangeAllowed(etag: file.etag, modifiedSeconds: file.modifiedSeconds)
    }

    package func rangeAllowed(etag: String, modifiedSeconds: Int) -> Bool {
        guard let ifRange = ifRange?.trimmingCharacters(in: .whitespaces) else { return true }
        if ifRange.hasPrefix("\"") { return ifRange == etag }  // strong comparison only
        if ifRange.hasPrefix("W/") { return false }
        return HTTPDate.seconds(from: ifRange) == modifiedSeconds
    }

    private static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}

import Foundation
