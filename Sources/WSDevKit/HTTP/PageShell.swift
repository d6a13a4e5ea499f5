import Foundation

/// The look of the pages wsdev makes itself (listings, errors): the tutorial page's (public/index.html)
/// type, colours and width, inline, with no external assets, so they read as part of the same site.
enum PageShell {
    static func html(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <link rel="icon" href="data:,">
        <style>
        body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; background: #fbfbfd; }
        h1 { font-size: 1.6rem; margin-bottom: .25rem; word-break: break-word; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; background: #eceef3; padding: 0 .25em; border-radius: 3px; }
        a { color: #2456c7; }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #d4d8e2; border-radius: 6px; }
        th, td { text-align: left; padding: .35rem .75rem; border-bottom: 1px solid #eceef3; }
        th { font-size: .8rem; color: #4a5163; font-weight: 600; }
        td.size, td.date, th.size, th.date { text-align: right; white-space: nowrap; color: #4a5163; font-variant-numeric: tabular-nums; }
        ul { padding-left: 1.4rem; }
        .note { color: #4a5163; font-size: .9rem; }
        @media (max-width: 32rem) { td.date, th.date { display: none; } }
        </style>
        </head>
        <body>
        <p class="note"><a href="/">← home</a></p>
        \(body)
        </body>
        </html>

        """
    }

    /// Text for HTML: the five characters that could end an element or an attribute.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
