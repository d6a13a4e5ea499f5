import Foundation

/// The names other devices on the network may use for this machine: its host name, and the mDNS
/// name (`NAME.local`) that Avahi and Bonjour answer for it.
enum MachineNames {
    static func current() -> [String] {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return [] }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard !name.isEmpty else { return [] }
        let short = name.prefix { $0 != "." }
        return name.hasSuffix(".local") ? [name] : [name, "\(short).local"]
    }
}
