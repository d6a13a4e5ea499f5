import Foundation

/// The HTML index shown for a folder that has no `index.html`.
enum DirectoryListing {
    static func html(directory: String, urlPath: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !$0.hasPrefix(".") }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        var rows = urlPath == "/" ? "" : "<li><a href=\"../\">../</a></li>\n"
        for name in names {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            let shown = isDirectory.boolValue ? name + "/" : name
            let href = (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#", ";"])) ?? name)
                + (isDirectory.boolValue ? "/" : "")
            rows += "<li><a href=\"\(href)\">\(escape(shown))</a></li>\n"
        }
        let title = escape(urlPath.removingPercentEncoding ?? urlPath)
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Index of \(title)</title>
            <style>body{font:15px system-ui,sans-serif;margin:2em}li{line-height:1.6}</style></head>
            <body><h1>Index of \(title)</h1>
            <ul>
            \(rows)</ul>
            <p><small>wsdev — add an index.html to show a page here instead.</small></p>
            </body></html>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
