import HTTPTypes
import HummingbirdCore

/// The headers `--cors`, `--coi` and `--header` add to every HTTP answer, and the CORS preflight.
struct DevHeaders: Sendable {
    private let fields: HTTPFields
    private let cors: Bool

    init(custom: [CustomHeader], cors: Bool, coi: Bool) {
        var fields: HTTPFields = [:]
        if cors { fields[.accessControlAllowOrigin] = "*" }
        if coi {
            // What SharedArrayBuffer and wasm threads need (cross-origin isolation).
            fields[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
            fields[HTTPField.Name("Cross-Origin-Embedder-Policy")!] = "require-corp"
        }
        // `--header` wins over what `--cors` and `--coi` set; a name given twice is sent twice.
        let custom = custom.compactMap { header in HTTPField.Name(header.name).map { HTTPField(name: $0, value: header.value) } }
        for name in Set(custom.map(\.name)) { fields[name] = nil }
        fields.append(contentsOf: custom)
        self.fields = fields
        self.cors = cors
    }

    /// Replaces whatever the responder set under the same names.
    func apply(to headers: inout HTTPFields) {
        for name in Set(fields.map(\.name)) { headers[name] = nil }
        headers.append(contentsOf: fields)
    }

    /// With `--cors`, OPTIONS is a preflight: allow the safe methods and whatever headers were asked for.
    func preflight(_ request: Request) -> Response? {
        guard cors, request.method == .options else { return nil }
        var headers: HTTPFields = [
            .accessControlAllowMethods: "GET, HEAD, OPTIONS",
            .accessControlAllowHeaders: request.headers[.accessControlRequestHeaders] ?? "*",
            .accessControlMaxAge: "600",
            .allow: "GET, HEAD, OPTIONS",
            .contentLength: "0",
        ]
        apply(to: &headers)
        return Response(status: .noContent, headers: headers)
    }
}
