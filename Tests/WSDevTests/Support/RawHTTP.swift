import Foundation

/// One HTTP/1.1 response as it came off the wire.
struct HTTPReply {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    subscript(header name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends raw request text and parses the reply; no normalisation of paths or headers.
enum RawHTTP {
    static func get(_ target: String, port: Int, host: String = "127.0.0.1", headers: [String: String] = [:], method: String = "GET") throws -> HTTPReply {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let connection = try TCPConnection(port: port, host: host)
        try connection.send(request)
        return try read(from: connection, method: method)
    }

    static func read(from connection: TCPConnection, method: String = "GET") throws -> HTTPReply {
        let head = String(decoding: try connection.read(until: Array("\r\n\r\n".utf8)), as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw TCPConnection.Failure(description: "bad status line in: \(head)")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let reply = HTTPReply(status: status, headers: headers, body: [])
        if method == "HEAD" || status == 304 || status == 204 || (100..<200).contains(status) {
            return reply
        }
        let body: [UInt8]
        if let length = reply[header: "Content-Length"].flatMap(Int.init) {
            body = try connection.read(count: length)
        } else if reply[header: "Transfer-Encoding"]?.lowercased() == "chunked" {
            var collected: [UInt8] = []
            while true {
                let sizeLine = String(decoding: try connection.read(until: [13, 10]).dropLast(2), as: UTF8.self)
                let size = Int(sizeLine.split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 { _ = try connection.read(until: [13, 10]); break }
                collected += try connection.read(count: size)
                _ = try connection.read(count: 2)
            }
            body = collected
        } else {
            body = try connection.readToEnd()
        }
        return HTTPReply(status: status, headers: headers, body: body)
    }
}
