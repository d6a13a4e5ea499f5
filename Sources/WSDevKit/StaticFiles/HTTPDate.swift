import Foundation

/// IMF-fixdate (RFC 9110 §5.6.7), the only date format we send, and the one browsers echo back.
package enum HTTPDate {
    static func string(from seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 40)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package static func seconds(from string: String) -> Int? {
        // "Sun, 06 Nov 1994 08:49:37 GMT"
        let fields = string.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT", let month = months.firstIndex(of: String(fields[2])) else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int32($0) }
        // The year is a client's text: one near Int32's minimum must not overflow tm_year.
        guard clock.count == 3, let day = Int32(fields[1]), let year = Int32(fields[3]), let tmYear = Int32(exactly: Int(year) - 1900) else { return nil }
        var parts = tm()
        parts.tm_year = tmYear
        parts.tm_mon = Int32(month)
        parts.tm_mday = day
        parts.tm_hour = clock[0]
        parts.tm_min = clock[1]
        parts.tm_sec = clock[2]
        return Int(timegm(&parts))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
