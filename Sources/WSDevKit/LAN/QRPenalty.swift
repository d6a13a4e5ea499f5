/// The mask penalty score of §7.8.3: long runs, 2×2 blocks, finder-like patterns and imbalance
/// all make a symbol harder to read, so the mask with the lowest score is used.
enum QRPenalty {
    static func score(_ modules: [[Bool]]) -> Int {
        let size = modules.count
        var score = 0
        for index in 0..<size {
            score += lineScore(modules[index])
            score += lineScore(modules.map { $0[index] })
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let color = modules[y][x]
                if color == modules[y][x + 1], color == modules[y + 1][x], color == modules[y + 1][x + 1] { score += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        // Each 5 % away from half dark costs 10.
        let steps = (abs(dark * 20 - total * 10) + total - 1) / total - 1
        return score + steps * 10
    }

    /// Runs of five or more (3, plus 1 per extra module) and 1:1:3:1:1 patterns with four light
    /// modules on a side (40 each); the area outside the symbol counts as light.
    private static func lineScore(_ line: [Bool]) -> Int {
        let size = line.count
        var score = 0
        var color = false
        var run = 0
        var history = [Int](repeating: 0, count: 7)

        func record(_ length: Int) {
            let length = history[0] == 0 ? length + size : length  // the light border before the line
            history.removeLast()
            history.insert(length, at: 0)
        }
        func finderLike() -> Int {
            let n = history[1]
            let core = n > 0 && history[2] == n && history[3] == n * 3 && history[4] == n && history[5] == n
            return (core && history[0] >= n * 4 && history[6] >= n ? 1 : 0) + (core && history[6] >= n * 4 && history[0] >= n ? 1 : 0)
        }

        for module in line {
            if module == color {
                run += 1
                if run == 5 { score += 3 } else if run > 5 { score += 1 }
            } else {
                record(run)
                if !color { score += finderLike() * 40 }
                color = module
                run = 1
            }
        }
        if color {
            record(run)
            run = 0
        }
        record(run + size)  // the light border after the line
        return score + finderLike() * 40
    }
}
