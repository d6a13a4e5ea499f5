import WSDevKit

/// What a static file's answer reads from a request's conditional headers: `Range` (`ByteRange`),
/// `If-Range` and `If-Modified-Since` (`Preconditions`, through `HTTPDate`).
///
/// Input: eight bytes of file size, then the Range value, a newline, and a date for If-Range
/// and If-Modified-Since.
enum RangeHarness {
    static func run(_ data: UnsafeRawBufferPointer) {
        guard data.count >= 8 else { return }
        // Sizes up to Int.max, where arithmetic on them would overflow first.
        let size = Int(bitPattern: UInt(data.loadUnaligned(as: UInt64.self))) & Int.max
        let text = String(decoding: data.dropFirst(8), as: UTF8.self)
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        checkRange(lines[0], size: size)
        let date = lines.count > 1 ? lines[1] : lines[0]
        if let seconds = HTTPDate.seconds(from: date) {
            let conditions = Preconditions(ifNoneMatch: nil, ifModifiedSince: date, ifRange: date)
            require(conditions.notModified(etag: "\"e\"", modifiedSeconds: seconds), "a file modified at the date asked for counts as modified")
            _ = conditions.rangeAllowed(etag: "\"e\"", modifiedSeconds: seconds)
        }
        _ = Preconditions(ifNoneMatch: date, ifModifiedSince: nil, ifRange: date).notModified(etag: "\"e\"", modifiedSeconds: 0)
    }

    /// A range served is inside the file; one refused (416) starts at or past its end.
    private static func checkRange(_ header: String, size: Int) {
        switch ByteRange(header: header, size: size) {
        case .partial(let bytes):
            require(bytes.lowerBound >= 0 && bytes.upperBound < size, "\(bytes) served from a \(size)-byte file")
        case .unsatisfiable, .ignored:
            break
        }
    }
}
