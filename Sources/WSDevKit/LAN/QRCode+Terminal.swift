extension QRCode {
    /// The symbol in Unicode half blocks, two module rows per line, with a two-module quiet zone.
    ///
    /// Light modules are drawn and dark ones left blank, as `qrencode -t UTF8` does: terminals
    /// are usually light text on a dark background, and a scanner needs dark-on-light.
    func terminalText(margin: Int = 2) -> String {
        let span = size + 2 * margin
        func light(_ row: Int, _ column: Int) -> Bool {
            let (y, x) = (row - margin, column - margin)
            guard (0..<size).contains(y), (0..<size).contains(x) else { return true }
            return !modules[y][x]
        }
        var lines: [String] = []
        for row in stride(from: 0, to: span, by: 2) {
            var line = ""
            for column in 0..<span {
                switch (light(row, column), light(row + 1, column)) {
                case (true, true): line += "█"
                case (true, false): line += "▀"
                case (false, true): line += "▄"
                case (false, false): line += " "
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
