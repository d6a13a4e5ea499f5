import Foundation

/// "Did you mean public?": the existing folder whose name is closest to a mistyped one, looked
/// for beside it, so `wsdev serve pubic` or `-w ../exmaple` is answered with the fix.
enum ClosestFolder {
    /// The path to suggest instead of `path`, written the way the user wrote it; nil when no
    /// folder there is a near miss (at most a third of the name's letters wrong, and at least one).
    static func to(_ path: String) -> String? {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        let name = (trimmed as NSString).lastPathComponent
        let parent = (trimmed as NSString).deletingLastPathComponent
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        let folder = parent.isEmpty ? "." : parent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let candidates = names.filter { candidate in
            var isDirectory: ObjCBool = false
            return !candidate.hasPrefix(".") && candidate != name
                && FileManager.default.fileExists(atPath: folder + "/" + candidate, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let allowed = max(1, name.count / 3)
        let best = candidates
            .map { (name: $0, distance: distance(name.lowercased(), $0.lowercased())) }
            .filter { $0.distance <= allowed }
            .min { ($0.distance, $0.name) < ($1.distance, $1.name) }
        guard let best else { return nil }
        return parent.isEmpty ? best.name : (parent as NSString).appendingPathComponent(best.name)
    }

    /// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: optimal string alignment.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
