import HTTPTypes
import HummingbirdCore
import NIOCore

/// Small HTML answers for errors: the status, what happened, and what to do.
enum ErrorPage {
    static func response(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html(status, message))))
    }

    /// `endpoints`: WebSocket URLs to list, for a 404 that may be a WebSocket address opened as a page.
    static func html(_ status: HTTPResponse.Status, _ message: String, endpoints: [String] = []) -> String {
        var body = "<h1>\(status.code) \(PageShell.escape(status.reasonPhrase))</h1>\n<p>\(PageShell.escape(message))</p>\n"
        if !endpoints.isEmpty {
            body += "<p>WebSocket endpoints on this server (open them with <code>new WebSocket(url)</code>, not as a page):</p>\n<ul>\n"
            body += endpoints.map { "<li><code>\(PageShell.escape($0))</code></li>\n" }.joined()
            body += "</ul>\n"
        }
        body += "<p class=\"note\">wsdev</p>"
        return PageShell.html(title: "\(status.code) \(status.reasonPhrase)", body: body)
    }
}
