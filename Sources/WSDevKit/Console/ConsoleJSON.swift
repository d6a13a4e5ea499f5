import Foundation
import NIOCore

/// What the live console page receives, one JSON object per event (`t` says which):
///
///     {"t":"open","id":3,"path":"/echo","endpoint":"built-in echo","remote":"127.0.0.1:50122",
///      "origin":"http://localhost:9998","protocol":null,"deflate":true,"at":1765012345678}
///     {"t":"frame","id":3,"dir":"in","kind":"text","size":5,"text":"hello","at":…}
///     {"t":"frame","id":3,"dir":"out","kind":"binary","size":3,"hex":"00ff10","at":…}
///     {"t":"frame","id":3,"dir":"in","kind":"close","size":5,"code":1000,"reason":"bye","at":…}
///     {"t":"close","id":3,"summary":"1000 by client","at":…}
///     {"t":"refused","path":"/echoo","remote":…,"origin":…,"status":404,"reason":"…","at":…}
///     {"t":"failed","id":4,"path":"/count","code":1011,"reason":"…","at":…}
///     {"t":"log","id":4,"path":"/count","line":"…","at":…}
///
/// Times are milliseconds since 1970. Text is sent as text (the page escapes it when showing it),
/// binary as hex of its first `hexLength` bytes; `cut` says the payload was longer than shown.
enum ConsoleJSON {
    /// Binary previews are shorter than text ones: 64 bytes are already 128 hex digits.
    static let hexLength = 64

    static func event(_ event: SocketEvent) -> String {
        switch event {
        case .opened(let opened):
            var object = JSONObject(type: "open")
            object.add("id", opened.id)
            object.add("path", opened.path)
            object.add("endpoint", opened.endpoint)
            object.add("remote", opened.remote)
            object.add("origin", opened.origin)
            object.add("protocol", opened.subprotocol)
            object.add("deflate", opened.deflate)
            object.add("at", milliseconds(opened.at))
            return object.json
        case .frame(let frame):
            return self.frame(frame)
        case .closed(let id, let summary, let at):
            var object = JSONObject(type: "close")
            object.add("id", id)
            object.add("summary", summary)
            object.add("at", milliseconds(at))
            return object.json
        case .refused(let refused):
            var object = JSONObject(type: "refused")
            object.add("path", refused.path)
            object.add("remote", refused.remote)
            object.add("origin", refused.origin)
            object.add("status", refused.status)
            object.add("reason", refused.reason)
            object.add("at", milliseconds(refused.at))
            return object.json
        case .handlerLog(let id, let path, let line, let at):
            var object = JSONObject(type: "log")
            if let id { object.add("id", id) }
            object.add("path", path)
            object.add("line", line)
            object.add("at", milliseconds(at))
            return object.json
        case .failed(let failed):
            var object = JSONObject(type: "failed")
            object.add("id", failed.id)
            object.add("path", failed.path)
            object.add("code", Int(failed.code))
            object.add("reason", failed.reason)
            object.add("at", milliseconds(failed.at))
            return object.json
        }
    }

    private static func frame(_ frame: SocketEvent.Frame) -> String {
        var object = JSONObject(type: "frame")
        object.add("id", frame.id)
        object.add("dir", frame.inbound ? "in" : "out")
        object.add("kind", frame.kind.rawValue)
        object.add("size", frame.size)
        var preview = frame.preview
        switch frame.kind {
        case .text:
            // A preview may end inside a character; decoding shows that as U+FFFD.
            object.add("text", String(decoding: preview.readableBytesView, as: UTF8.self))
            object.add("cut", frame.size > frame.preview.readableBytes)
        case .close:
            if let code = preview.readInteger(as: UInt16.self) { object.add("code", Int(code)) }
            object.add("reason", String(decoding: preview.readableBytesView, as: UTF8.self))
        case .binary, .ping, .pong:
            object.add("hex", hex(preview.readableBytesView.prefix(hexLength)))
            object.add("cut", frame.size > hexLength)
        }
        object.add("at", milliseconds(frame.at))
        return object.json
    }

    /// An open connection as the registry knows it, with its counters so far.
    static func connection(_ entry: SessionRegistry.Entry) -> String {
        var object = JSONObject(type: "open")
        let info = entry.info
        object.add("id", info.id)
        object.add("path", info.path)
        object.add("endpoint", entry.endpoint.summary)
        object.add("remote", "\(info.remoteAddress):\(info.remotePort)")
        object.add("origin", info.origin)
        object.add("protocol", info.subprotocol)
        object.add("deflate", entry.deflate)
        object.add("at", milliseconds(entry.opened))
        object.add("counts", json: counts(entry.stats))
        return object.json
    }

    /// `[messages in, messages out, bytes in, bytes out]`.
    static func counts(_ stats: SessionStats) -> String {
        "[\(stats.received),\(stats.sent),\(stats.bytesReceived),\(stats.bytesSent)]"
    }

    /// Every endpoint with the file (or built-in) behind it and its mode, read from the summary
    /// the banner shows ("handlers/room.sh (broadcast: one process for all clients)").
    /// A handler answering at `/count` and `/count.sh` is one row, `/count.sh` its `also`.
    static func endpoints(_ listing: [(path: String, summary: String)]) -> String {
        let summaries = Dictionary(listing.map { ($0.path, $0.summary) }, uniquingKeysWith: { first, _ in first })
        var aliases: [String: String] = [:]
        for endpoint in listing {
            if let bare = bare(endpoint.path), summaries[bare] == endpoint.summary { aliases[bare] = endpoint.path }
        }
        let shown = listing.filter { endpoint in !aliases.values.contains(endpoint.path) }
        return JSONObject.array(shown.map { endpoint in
            let (source, mode) = describe(endpoint.summary)
            var object = JSONObject(type: "endpoint")
            object.add("path", endpoint.path)
            object.add("also", aliases[endpoint.path])
            object.add("source", source)
            object.add("mode", mode)
            return object.json
        })
    }

    /// "/games/dice.py" → "/games/dice"; nil without an extension.
    private static func bare(_ path: String) -> String? {
        guard let slash = path.lastIndex(of: "/"), let dot = path.lastIndex(of: "."), dot > path.index(after: slash) else { return nil }
        return String(path[..<dot])
    }

    static func describe(_ summary: String) -> (source: String, mode: String) {
        if summary.hasPrefix("built-in ") { return ("built-in", String(summary.dropFirst("built-in ".count))) }
        if let dash = summary.range(of: " — ") { return (String(summary[..<dash.lowerBound]), String(summary[dash.upperBound...])) }
        guard let paren = summary.range(of: " (") else { return (summary, "one process per connection") }
        let modes = summary[paren.upperBound...].dropLast().replacingOccurrences(of: ") (", with: "; ")
        return (String(summary[..<paren.lowerBound]), modes)
    }

    static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
