/// The part of the banner `--lan` adds: every address a phone on the same network can open, and a
/// QR code of the first, so students need not type it.
enum LANBanner {
    static func lines(port: Int, addresses: [String] = NetworkAddresses.lanIPv4()) -> [String] {
        guard let first = addresses.first else {
            return ["  this machine has no network address besides loopback, so other devices cannot reach it. Connect to a network and restart."]
        }
        var lines = ["  On your network (phones, other computers):"]
        lines += addresses.map { "    http://\($0):\(port)/" }
        let url = "http://\(first):\(port)/"
        if let code = QRCode(url) {
            lines.append("  Scan to open \(url):")
            lines += code.terminalText().split(separator: "\n").map { "  " + $0 }
        }
        return lines
    }
}
