import HTTPTypes
import HummingbirdCore
import NIOCore
import _NIOFileSystem

/// GET and HEAD for files under the document root: validators, ranges, media types, listings.
struct StaticResponder: Sendable {
    let root: DocumentRoot
    let sniffer: MagicSniffer
    /// Files up to this size are read in one piece; larger ones stream in chunks of this size.
    let chunkSize = 256 * 1024

    func respond(to request: Request) async -> Response {
        guard request.method == .get || request.method == .head else {
            return ErrorPage.response(
                .methodNotAllowed, "\(request.method.rawValue) is not supported here: wsdev serves files with GET and HEAD.",
                headers: [.allow: "GET, HEAD"])
        }
        let target = request.head.path ?? "/"
        let path = target.prefix { $0 != "?" }
        switch root.resolve(urlPath: path) {
        case .notFound:
            return ErrorPage.response(.notFound, "Nothing at \(path) in the document root.")
        case .forbidden:
            return ErrorPage.response(.forbidden, "\(path) leads outside the document root, so it is not served.")
        case .file(let file):
            guard !path.hasSuffix("/") else { return ErrorPage.response(.notFound, "\(path) is a file, not a folder.") }
            return await serve(file, request: request)
        case .directory(let directory):
            guard path.hasSuffix("/") else {
                let query = target.drop { $0 != "?" }
                return Response(status: .movedPermanently, headers: [.location: path + "/" + query, .contentLength: "0"])
            }
            if case .file(let index) = root.resolve(urlPath: path + "index.html") {
                return await serve(index, request: request)
            }
            let html = DirectoryListing.html(directory: directory, urlPath: String(path))
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: request.method == .head ? .init() : .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    private func serve(_ file: FileInfo, request: Request) async -> Response {
        var headers: HTTPFields = [
            .eTag: file.etag,
            .lastModified: HTTPDate.string(from: file.modifiedSeconds),
            .cacheControl: "no-cache",
            .acceptRanges: "bytes",
        ]
        let preconditions = Preconditions(
            ifNoneMatch: request.headers[.ifNoneMatch],
            ifModifiedSince: request.headers[.ifModifiedSince],
            ifRange: request.headers[.ifRange])
        if preconditions.notModified(file) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = await mediaType(of: file)

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
        return Response(status: status, headers: headers, body: body(file.path, range: range))
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
