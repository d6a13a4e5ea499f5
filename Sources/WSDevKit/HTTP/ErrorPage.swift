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

    static func html(_ status: HTTPResponse.Status, _ message: String) -> String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(status.code) \(status.reasonPhrase)</title></head>
        <body style="font:15px system-ui,sans-serif;margin:2em">
        <h1>\(status.code) \(status.reasonPhrase)</h1>
        <p>\(DirectoryListing.escape(message))</p>
        <p><small>wsdev</small></p>
        </body></html>

        """
    }
}
