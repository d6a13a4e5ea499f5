import HTTPTypes
import HummingbirdCore
import NIOCore
import _NIOFileSystem

/// GET and HEAD for files under the document root: validators, ranges, media types, listings,
/// and the live-reload script in every HTML answer.
struct StaticResponder: Sendable {
    let root: DocumentRoot
    let sniffer: MagicSniffer
    /// Puts the live-reload script into HTML answers; nil with `--no-reload` (files go out as they are).
    var injector: ScriptInjector?
    /// `--spa`: a path with nothing behind it, asked for as HTML, gets `/index.html`.
    var spa = false
    /// Listed on 404 pages: a WebSocket address opened as a page lands there.
    var endpoints: EndpointTable?
    /// Files up to this size are read in one piece; larger ones stream in chunks of this size.
    let chunkSize = 256 * 1024
    /// Small files' bytes per version, so they are not opened and read on every request.
    let smallFiles = SmallFileCache()
    /// HTML files larger than this are sent as they are: the script would mean holding them in memory.
    let largestInjected = 16 << 20
    /// Where whole answers for small files are left for `FastFileHandler` to repeat; set by `RequestRouter`.
    var fastFiles: FastFileTable?

    func respond(to request: Request) async -> Response {
        guard request.method == .get || request.method == .head else {
            return ErrorPage.response(
                .methodNotAllowed, "\(request.method.rawValue) is not supported here: wsdev serves files with GET and HEAD.",
                headers: [.allow: "GET, HEAD"])
        }
        let target = request.head.path ?? "/"
        let path = target.prefix { $0 != "?" }
        switch root.page(urlPath: path) {
        case .notFound:
            if spa, request.headers[.accept]?.contains("text/html") == true, case .file(let index) = root.resolve(urlPath: "/index.html") {
                return await serve(index, request: request, route: nil)
            }
            let host = request.head.authority ?? "localhost"
            let sockets = endpoints.map { EndpointTable.withoutAliases($0.listing).map { "ws://\(host)\($0.path)" } } ?? []
            return page(.notFound, html: ErrorPage.html(.notFound, "Nothing at \(path) in the document root.", endpoints: sockets), request: request)
        case .forbidden:
            return ErrorPage.response(.forbidden, "\(path) leads outside the document root, so it is not served.")
        case .fileWithSlash:
            return ErrorPage.response(.notFound, "\(path) is a file, not a folder.")
        case .file(let file, let urlPath):
            return await serve(file, request: request, route: route(path, candidate: urlPath[...]))
        case .folderWithoutSlash:
            let query = target.drop { $0 != "?" }
            return Response(status: .movedPermanently, headers: [.location: path + "/" + query, .contentLength: "0"])
        case .listing(let directory):
            return page(.ok, html: DirectoryListing.html(directory: directory, urlPath: String(path)), request: request)
        }
    }

    /// A page made here (listing, error), with the reload script when live reload is on, so
    /// that creating the missing file or folder reloads it.
    private func page(_ status: HTTPResponse.Status, html: String, request: Request) -> Response {
        let body = ByteBuffer(string: injector?.inject(into: html) ?? html)
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .contentLength: String(body.readableBytes)],
            body: request.method == .head ? .init() : .init(byteBuffer: body))
    }

    /// The fast path's key for an answer about `urlPath`, when it is kept; nil otherwise.
    private func route(_ urlPath: Substring, candidate: Substring) -> FastFileTable.Route? {
        guard fastFiles != nil, let candidate = root.candidate(urlPath: candidate) else { return nil }
        return FastFileTable.Route(urlPath: String(urlPath), candidate: candidate)
    }

    private func serve(_ file: FileInfo, request: Request, route: FastFileTable.Route?) async -> Response {
        let type = await mediaType(of: file)
        if let injector, type.hasPrefix("text/html"), file.size <= largestInjected {
            return await serveInjected(file, type: type, request: request, injector: injector, route: route)
        }
        var headers: HTTPFields = [
            .eTag: file.etag,
            .lastModified: HTTPDate.string(from: file.modifiedSeconds),
            .cacheControl: "no-cache",
            .acceptRanges: "bytes",
        ]
        // Looked up once, when the fast path wants the answer: for its record and for the body below.
        let cached = route == nil ? nil : await smallFiles.contents(of: file)
        // Small files from memory; larger ones the fast path sends from disk.
        if let route, cached != nil || file.size > smallFiles.largestFile {
            remember(
                route, file: file, etag: file.etag, modifiedSeconds: file.modifiedSeconds,
                validators: headers, type: type, length: file.size, body: cached)
        }
        let preconditions = Preconditions(
            ifNoneMatch: request.headers[.ifNoneMatch],
            ifModifiedSince: request.headers[.ifModifiedSince],
            ifRange: request.headers[.ifRange])
        if preconditions.notModified(file) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = type

        var range = 0..<file.size
        var status = HTTPResponse.Status.ok
        if request.method == .get, let header = request.headers[.range], preconditions.rangeAllowed(file) {
            switch ByteRange(header: header, size: file.size) {
            case .partial(let bytes):
                range = bytes.lowerBound..<(bytes.upperBound + 1)
                status = .partialContent
                headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(file.size)"
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(file.size)"
                headers[.contentType] = nil
                headers[.contentLength] = "0"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            case .ignored:
                break
            }
        }
        headers[.contentLength] = String(range.count)
        if request.method == .head || range.isEmpty {
            return Response(status: status, headers: headers)
        }
        if let bytes = route == nil ? await smallFiles.contents(of: file) : cached {
            return Response(status: status, headers: headers, body: .init(byteBuffer: SmallFileCache.slice(bytes, range)))
        }
        return Response(status: status, headers: headers, body: body(file.path, range: range))
    }

    /// An HTML file with the reload script. Range requests get the whole page (`Accept-Ranges: none`):
    /// the page is rebuilt per request, and browsers never ask for part of one.
    private func serveInjected(
        _ file: FileInfo, type: String, request: Request, injector: ScriptInjector, route: FastFileTable.Route?
    ) async -> Response {
        let etag = injector.etag(for: file.etag)
        let modified = injector.lastModified(for: file.modifiedSeconds)
        var headers: HTTPFields = [
            .eTag: etag,
            .lastModified: HTTPDate.string(from: modified),
            .cacheControl: "no-cache",
            .acceptRanges: "none",
        ]
        // Made once, when the fast path wants the answer: for its record and for the body below.
        var injected: ByteBuffer?
        if let route, let bytes = await smallFiles.contents(of: file) {
            let page = ByteBuffer(bytes: injector.inject(into: Array(bytes.readableBytesView)))
            remember(
                route, file: file, etag: etag, modifiedSeconds: modified,
                validators: headers, type: type, length: page.readableBytes, body: page)
            injected = page
        }
        let preconditions = Preconditions(
            ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince], ifRange: nil)
        if preconditions.notModified(etag: etag, modifiedSeconds: modified) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = type
        if request.method == .head {
            headers[.contentLength] = String(file.size + injector.addedBytes)
            return Response(status: .ok, headers: headers)
        }
        if let page = injected {
            headers[.contentLength] = String(page.readableBytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: page))
        }
        let limit = largestInjected
        var read = await smallFiles.contents(of: file)
        if read == nil {
            read = try? await FileSystem.shared.withFileHandle(forReadingAt: FilePath(file.path), execute: { handle in
                try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(limit)))
            })
        }
        guard let buffer = read else {
            return ErrorPage.response(.notFound, "\(file.path.split(separator: "/").last ?? "") changed while it was being read. Reload the page.")
        }
        let page = injector.inject(into: Array(buffer.readableBytesView))
        headers[.contentLength] = String(page.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: page)))
    }

    /// Whatever this request asked, the fast path gets the whole file's 200 and the 304, with the
    /// headers built here: `validators` then, for the 200, Content-Type and Content-Length.
    private func remember(
        _ route: FastFileTable.Route, file: FileInfo, etag: String, modifiedSeconds: Int,
        validators: HTTPFields, type: String, length: Int, body: ByteBuffer?
    ) {
        var ok = validators
        ok[.contentType] = type
        ok[.contentLength] = String(length)
        fastFiles?.record(route, file: file, etag: etag, modifiedSeconds: modifiedSeconds, ok: ok, notModified: validators, body: body)
    }

    private func mediaType(of file: FileInfo) async -> String {
        let name = file.path.split(separator: "/").last ?? ""
        if let dot = name.lastIndex(of: "."), dot != name.startIndex,
           let known = MediaTypeTable.type(forExtension: String(name[name.index(after: dot)...])) {
            return known
        }
        return await sniffer.mediaType(of: file)
    }

    /// Reads lazily while writing, so a large file never sits in memory whole.
    private func body(_ path: String, range: Range<Int>) -> ResponseBody {
        let chunk = chunkSize
        return ResponseBody(contentLength: range.count) { writer in
            try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                let bytes = Int64(range.lowerBound)...Int64(range.upperBound - 1)
                for try await buffer in handle.readChunks(in: bytes, chunkLength: .bytes(Int64(chunk))) {
                    try await writer.write(buffer)
                }
            }
            try await writer.finish(nil)
        }
    }
}
