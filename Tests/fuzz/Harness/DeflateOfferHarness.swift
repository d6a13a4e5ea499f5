import WSDevKit

/// `PerMessageDeflate.accept(offers:)` reads a client's `Sec-WebSocket-Extensions` values: any
/// text, one value per line here. What it accepts must be within RFC 7692's ranges, and the
/// 101's answer, offered back, must be accepted as the same parameters.
enum DeflateOfferHarness {
    static func run(_ data: UnsafeRawBufferPointer) {
        let values = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let accepted = PerMessageDeflate.accept(offers: values) else { return }
        if let bits = accepted.serverMaxWindowBits { require((8...15).contains(bits), "server_max_window_bits=\(bits)") }
        let again = PerMessageDeflate.accept(offers: [accepted.responseHeader])
        require(again == accepted, "\(accepted.responseHeader) read back as \(String(describing: again))")
    }
}
