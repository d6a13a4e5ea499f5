import HTTPTypes

/// One `--header 'Name: value'`, checked at startup so a typo fails there and not in the browser.
public struct CustomHeader: Sendable, Equatable {
    public let name: String
    public let value: String

    /// Headers wsdev must set itself, or the connection breaks.
    static let reserved: Set<String> = ["content-length", "transfer-encoding", "connection", "upgrade", "keep-alive", "te", "trailer"]

    public init(parsing line: String) throws(Invalid) {
        guard let colon = line.firstIndex(of: ":") else {
            throw Invalid("--header '\(line)' has no colon. Write it as 'Name: value', e.g. --header 'X-Frame-Options: DENY'")
        }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, HTTPField.Name(name) != nil else {
            throw Invalid("--header '\(line)': '\(name)' is not a header name. Names use letters, digits and !#$%&'*+-.^_`|~, with no spaces, e.g. --header 'X-Frame-Options: DENY'")
        }
        guard HTTPField.isValidValue(value) else {
            throw Invalid("--header '\(line)': the value contains characters a header cannot carry (control characters or line breaks). Remove them")
        }
        guard !Self.reserved.contains(name.lowercased()) else {
            throw Invalid("--header '\(line)': wsdev sets \(name) itself, because the connection depends on it. Leave it out")
        }
        self.name = name
        self.value = value
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

import Foundation
