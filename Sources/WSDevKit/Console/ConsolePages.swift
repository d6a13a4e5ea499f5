import HTTPTypes
import HummingbirdCore
import NIOCore

/// The console's HTTP side: `/__wsdev/` (the page) and its script and stylesheet, served from
/// the binary itself (no CDN, nothing to install).
///
/// The page is open to this machine and to other devices with the console token; its script
/// and stylesheet to anyone, since they hold nothing but wsdev's own code, and a browser that
/// loaded the page with the token asks for them without it.
struct ConsolePages: Sendable {
    let access: ConsoleAccess
    let stopSignal: StopSignal

    private static let assets: [String: (type: String, body: String)] = [
        "/__wsdev/console.css": ("text/css; charset=utf-8", ConsoleStyle.text),
        "/__wsdev/console.js": ("text/javascript; charset=utf-8", ConsoleMainScript.text),
        "/__wsdev/view.js": ("text/javascript; charset=utf-8", ConsoleViewScript.text),
        "/__wsdev/send.js": ("text/javascript; charset=utf-8", ConsoleSendScript.text),
        "/__wsdev/format.js": ("text/javascript; charset=utf-8", ConsoleFormatScript.text),
    ]

    /// What the page may do: its own scripts, and WebSockets to this server only.
    private static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'"

    /// The answer for a path under `/__wsdev`, or nil for any other path.
    func response(path: Substring, query: Substring?, remoteAddress: String?) -> Response? {
        if path == "/__wsdev" {
            let location = "/__wsdev/" + (query.map { "?" + $0 } ?? "")
            return ErrorPage.response(.movedPermanently, "The wsdev console is at \(location).", headers: [.location: location])
        }
        guard ReservedPaths.contains(path) else { return nil }
        if path == ReloadScript.pingPath {
            // A page waiting for the server to come back (`ReloadProbeScript`); while stopping,
            // the server is not back, whatever its listener still answers.
            return Response(status: stopSignal.isStopping ? .serviceUnavailable : .noContent, headers: [.cacheControl: "no-store"])
        }
        if path == ReservedPaths.prefix {
            let token = query.flatMap { ReloadEndpoint.parameter("token", in: String($0)) }
            guard access.allows(address: remoteAddress, presented: token) else {
                return ErrorPage.response(.forbidden, ConsoleAccess.refusal(path: String(path)))
            }
            return Self.answer("text/html; charset=utf-8", ConsoleHTML.text)
        }
        if let asset = Self.assets[String(path)] { return Self.answer(asset.type, asset.body) }
        return ErrorPage.response(.notFound, "\(path) is not part of wsdev. The console is at /__wsdev/; paths under /__wsdev/ belong to wsdev.")
    }

    private static func answer(_ type: String, _ body: String) -> Response {
        let bytes = ByteBuffer(string: body)
        let headers: HTTPFields = [
            .contentType: type, .contentLength: String(bytes.readableBytes), .cacheControl: "no-cache",
            .contentSecurityPolicy: policy, HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }
}
