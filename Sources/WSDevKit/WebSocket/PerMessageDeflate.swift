import Foundation

/// permessage-deflate's negotiation (RFC 7692 §5, §7.1): which of a client's offers the server
/// accepts, with what parameters, and the response header that says so.
package struct PerMessageDeflate: Sendable, Equatable {
    /// The server resets its compressor after every message (the client asked it to).
    package var serverNoContextTakeover = false
    /// The client said it resets its own; echoed, so the client knows it was read.
    package var clientNoContextTakeover = false
    /// The largest window the client lets the server compress with (8-15); nil: 15.
    package var serverMaxWindowBits: Int?

    package init() {}

    /// The value of the 101's `Sec-WebSocket-Extensions`.
    package var responseHeader: String {
        var header = "permessage-deflate"
        if serverNoContextTakeover { header += "; server_no_context_takeover" }
        if clientNoContextTakeover { header += "; client_no_context_takeover" }
        if let bits = serverMaxWindowBits { header += "; server_max_window_bits=\(bits)" }
        return header
    }

    /// Whether messages can be compressed within the window the client allows: zlib cannot
    /// compress raw deflate with a 256-byte window, so after `server_max_window_bits=8` the server
    /// sends every message uncompressed, which the extension allows (RFC 7692 §6).
    package var canCompress: Bool { (serverMaxWindowBits ?? 15) >= 9 }

    /// The first permessage-deflate offer in `Sec-WebSocket-Extensions` values that is valid, or
    /// nil when there is none (the connection then runs uncompressed). Offers with unknown or
    /// repeated parameters, or out-of-range window sizes, are declined as §7.1 requires.
    package static func accept(offers values: [String]) -> PerMessageDeflate? {
        for offer in values.flatMap({ $0.split(separator: ",") }) {
            var parts = offer.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.first?.lowercased() == "permessage-deflate" else { continue }
            parts.removeFirst()
            if let accepted = accept(parameters: parts) { return accepted }
        }
        return nil
    }

    private static func accept(parameters: [String]) -> PerMessageDeflate? {
        var result = PerMessageDeflate()
        var seen: Set<String> = []
        for parameter in parameters where !parameter.isEmpty {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            // A parameter that is only "=" splits into nothing: no name, so the offer is declined.
            let name = (pair.first ?? "").lowercased()
            guard seen.insert(name).inserted else { return nil }
            let value = pair.count > 1 ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : nil
            switch name {
            case "server_no_context_takeover":
                guard value == nil else { return nil }
                result.serverNoContextTakeover = true
            case "client_no_context_takeover":
                guard value == nil else { return nil }
                result.clientNoContextTakeover = true
            case "server_max_window_bits":
                guard let bits = value.flatMap({ Int($0) }), (8...15).contains(bits) else { return nil }
                result.serverMaxWindowBits = bits
            case "client_max_window_bits":
                // The server inflates with the largest window, which reads any smaller one.
                if let value { guard let bits = Int(value), (8...15).contains(bits) else { return nil } }
            default:
                return nil
            }
        }
        return result
    }
}
