/// A QR code (ISO/IEC 18004) for a short text such as a URL, so a phone can open the page.
///
/// Byte mode only, versions 1 to 9 (up to 180 bytes at level M), error correction level M, or L
/// when asked. The mask is the one with the lowest penalty score (§7.8.3), unless one is given.
struct QRCode: Sendable {
    enum Level: Sendable {
        case low, medium

        /// The two format-information bits (§7.9.1): L is 01, M is 00.
        var formatBits: Int { self == .low ? 1 : 0 }
    }

    let version: Int
    let level: Level
    let mask: Int
    /// `modules[row][column]`, true for dark.
    let modules: [[Bool]]

    var size: Int { modules.count }

    /// nil when the text does not fit in version 9.
    init?(_ text: String, level: Level = .medium, mask forcedMask: Int? = nil) {
        let bytes = Array(text.utf8)
        guard let version = (1...9).first(where: { Self.dataCodewords(version: $0, level: level) - 2 >= bytes.count }) else { return nil }
        let codewords = Self.codewords(for: bytes, version: version, level: level)
        var matrix = QRMatrix(version: version)
        matrix.place(codewords)
        let mask = forcedMask ?? (0..<8).map { ($0, matrix.penalty(mask: $0, level: level)) }.min { $0.1 < $1.1 }!.0
        matrix.finish(mask: mask, level: level)
        self.version = version
        self.level = level
        self.mask = mask
        self.modules = matrix.modules
    }

    // MARK: - Codewords

    /// Error correction codewords per block, and data codewords per block, for versions 1–9 (Table 9).
    private static func blocks(version: Int, level: Level) -> (ec: Int, data: [Int]) {
        switch level {
        case .low:
            let ec = [7, 10, 15, 20, 26, 18, 20, 24, 30][version - 1]
            let data = [[19], [34], [55], [80], [108], [68, 68], [78, 78], [97, 97], [116, 116]][version - 1]
            return (ec, data)
        case .medium:
            let ec = [10, 16, 26, 18, 24, 16, 18, 22, 22][version - 1]
            let data = [[16], [28], [44], [32, 32], [43, 43], [27, 27, 27, 27], [31, 31, 31, 31], [38, 38, 39, 39], [36, 36, 36, 37, 37]][version - 1]
            return (ec, data)
        }
    }

    static func dataCodewords(version: Int, level: Level) -> Int {
        blocks(version: version, level: level).data.reduce(0, +)
    }

    /// Mode, length, data, terminator and padding (§7.4), split into blocks, each followed by its
    /// Reed–Solomon codewords, then interleaved (§7.6).
    private static func codewords(for bytes: [UInt8], version: Int, level: Level) -> [UInt8] {
        let capacity = dataCodewords(version: version, level: level)
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)  // byte mode
        append(bytes.count, 8)
        for byte in bytes { append(Int(byte), 8) }
        append(0, min(4, capacity * 8 - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var data = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<(start + 8)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while data.count < capacity {
            data.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }

        let (ecCount, sizes) = blocks(version: version, level: level)
        var blocks: [[UInt8]] = []
        var start = 0
        for size in sizes {
            blocks.append(Array(data[start..<(start + size)]))
            start += size
        }
        let corrections = blocks.map { ReedSolomon.remainder(of: $0, degree: ecCount) }
        var result: [UInt8] = []
        for index in 0..<(sizes.max() ?? 0) {
            for block in blocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<ecCount {
            for correction in corrections { result.append(correction[index]) }
        }
        return result
    }
}
