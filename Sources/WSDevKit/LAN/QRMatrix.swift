/// The module grid of a QR symbol while it is built: function patterns, data placement, masking.
/// Coordinates are (x: column, y: row), as in the standard's figures.
struct QRMatrix {
    let version: Int
    let size: Int
    private(set) var modules: [[Bool]]
    /// Finder, timing, alignment, format and version modules: never data, never masked.
    private var isFunction: [[Bool]]

    init(version: Int) {
        self.version = version
        self.size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { drawFinder(x, y) }
        let positions = alignmentPositions
        for (i, x) in positions.enumerated() {
            for (j, y) in positions.enumerated() {
                let nearFinder = (i == 0 && j == 0) || (i == 0 && j == positions.count - 1) || (i == positions.count - 1 && j == 0)
                if !nearFinder { drawAlignment(x, y) }
            }
        }
        drawFormat(0)  // reserves the area; the real bits come with the mask
        drawVersion()
    }

    /// Centres of the alignment patterns (Annex E) for versions 1–9.
    private var alignmentPositions: [Int] {
        [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46]][version - 1]
    }

    /// Data and error correction bits in the two-column zigzag from the bottom right (§7.7.3);
    /// leftover modules (the remainder bits) stay light.
    mutating func place(_ codewords: [UInt8]) {
        var bit = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }  // the vertical timing pattern
            for vertical in 0..<size {
                for column in [right, right - 1] {
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !isFunction[y][column], bit < codewords.count * 8 else { continue }
                    modules[y][column] = (codewords[bit >> 3] >> (7 - bit & 7)) & 1 == 1
                    bit += 1
                }
            }
            right -= 2
        }
    }

    /// Applies `mask` and writes the format information that names it.
    mutating func finish(mask: Int, level: QRCode.Level) {
        applyMask(mask)
        drawFormat(Self.formatBits(mask: mask, level: level))
    }

    /// The penalty score (§7.8.3) the symbol would have with `mask`; the matrix is left as it was.
    mutating func penalty(mask: Int, level: QRCode.Level) -> Int {
        applyMask(mask)
        drawFormat(Self.formatBits(mask: mask, level: level))
        defer { applyMask(mask) }
        return QRPenalty.score(modules)
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] && Self.masked(mask, x: x, y: y) {
                modules[y][x].toggle()
            }
        }
    }

    /// The eight mask conditions (Table 10), with i the row and j the column.
    static func masked(_ mask: Int, x j: Int, y i: Int) -> Bool {
        switch mask {
        case 0: return (i + j) % 2 == 0
        case 1: return i % 2 == 0
        case 2: return j % 3 == 0
        case 3: return (i + j) % 3 == 0
        case 4: return (i / 2 + j / 3) % 2 == 0
        case 5: return (i * j) % 2 + (i * j) % 3 == 0
        case 6: return ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: return ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// Level and mask, BCH(15,5)-protected and XORed with 101010000010010 (§7.9).
    static func formatBits(mask: Int, level: QRCode.Level) -> Int {
        let data = level.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return (data << 10 | remainder) ^ 0x5412
    }

    private mutating func drawFormat(_ bits: Int) {
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(8, index, bit(index)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for index in 9..<15 { set(14 - index, 8, bit(index)) }
        for index in 0..<8 { set(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { set(8, size - 15 + index, bit(index)) }
        set(8, size - 8, true)  // the dark module
    }

    /// Versions 7 and up carry their number, BCH(18,6)-protected, in two 6×3 blocks (§7.10).
    private mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let a = size - 11 + index % 3, b = index / 3
            set(a, b, dark)
            set(b, a, dark)
        }
    }

    /// A 7×7 finder with its light separator, centred on (x, y).
    private mutating func drawFinder(_ x: Int, _ y: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let distance = max(abs(dx), abs(dy))
                let (column, row) = (x + dx, y + dy)
                if (0..<size).contains(column), (0..<size).contains(row) { set(column, row, distance != 2 && distance != 4) }
            }
        }
    }

    private mutating func drawAlignment(_ x: Int, _ y: Int) {
        for dy in -2...2 {
            for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
        }
    }

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }
}
