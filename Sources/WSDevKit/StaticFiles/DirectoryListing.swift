import Foundation

/// The HTML index shown for a folder that has no `index.html`: folders first, then files, each
/// with its size and when it last changed.
enum DirectoryListing {
    static func html(directory: String, urlPath: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
        let entries = names.compactMap { name -> (name: String, folder: Bool, size: Int, modified: Int)? in
            var info = stat()
            guard stat(directory + "/" + name, &info) == 0 else { return nil }
            return (name, info.st_mode & S_IFMT == S_IFDIR, Int(info.st_size), info.st_mtim.tv_sec)
        }
        .sorted { ($0.folder ? 0 : 1, $0.name.lowercased()) < ($1.folder ? 0 : 1, $1.name.lowercased()) }
        var rows = urlPath == "/" ? "" : "<tr><td><a href=\"../\">../</a></td><td class=\"size\"></td><td class=\"date\"></td></tr>\n"
        for entry in entries {
            let shown = entry.folder ? entry.name + "/" : entry.name
            let href = (entry.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#", ";"])) ?? entry.name)
                + (entry.folder ? "/" : "")
            rows += "<tr><td><a href=\"\(PageShell.escape(href))\">\(PageShell.escape(shown))</a></td>"
                + "<td class=\"size\">\(entry.folder ? "—" : size(entry.size))</td><td class=\"date\">\(date(entry.modified))</td></tr>\n"
        }
        let title = urlPath.removingPercentEncoding ?? urlPath
        let body = """
            <h1>Index of <code>\(PageShell.escape(title))</code></h1>
            <table>
            <tr><th>name</th><th class="size">size</th><th class="date">modified</th></tr>
            \(rows)</table>
            <p class="note">\(entries.isEmpty ? "This folder is empty. " : "")Add an <code>index.html</code> to show a page here instead. (wsdev)</p>
            """
        return PageShell.html(title: "Index of \(title)", body: body)
    }

    /// 1023 B, 4.2 KiB, 13 MiB: as `ls -h` says it, in binary units.
    static func size(_ bytes: Int) -> String {
        guard bytes >= 1024 else { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" { return value < 10 ? String(format: "%.1f %@", value, unit) : "\(Int(value.rounded())) \(unit)" }
            value /= 1024
        }
        return "\(bytes) B"
    }

    /// The server's local time, to the minute: 2026-12-06 09:07.
    static func date(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min)
    }
}
