import Foundation

/// A scratch handlers folder next to a scratch site, with a server running on both.
final class HandlerFixture {
    let site: SiteFixture
    let handlers: URL
    private(set) var server: ServerProcess!

    init(_ scripts: [String: String], arguments: [String] = []) throws {
        site = try SiteFixture(files: ["index.html": "handlers"])
        handlers = site.root.deletingLastPathComponent().appendingPathComponent("wsdev-handlers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: handlers, withIntermediateDirectories: true)
        for (name, body) in scripts { try write(name, body) }
        server = try ServerProcess(root: site.root.path, arguments: ["--handlers", handlers.path] + arguments)
    }

    var port: Int { server.port }

    func write(_ name: String, _ body: String, executable: Bool = true) throws {
        let url = handlers.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Write to a temporary name and rename, as editors do, so the watcher never sees half a file.
        let temporary = handlers.appendingPathComponent(".tmp-\(UUID().uuidString)")
        try Data(body.utf8).write(to: temporary)
        chmod(temporary.path, executable ? 0o755 : 0o644)
        _ = rename(temporary.path, url.path)
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(at: handlers.appendingPathComponent(name))
    }

    /// Retries a handshake until `path` answers with `status` (the watcher polls).
    func waitForStatus(_ path: String, _ status: Int, timeout: TimeInterval = patience) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try RawWebSocket.handshake(port: port, path: path).reply.status == status { return true }
            usleep(50_000)
        }
        return false
    }

    deinit {
        _ = server?.stop()
        try? FileManager.default.removeItem(at: handlers)
    }
}

extension RawWebSocket {
    /// The text of the next data frame, or "close CODE reason" for a close frame.
    func nextText() throws -> String {
        let frame = try receiveMessage()
        return frame.opcode == RawWebSocket.close ? "close \(frame.closeCode ?? 0) \(frame.closeReason)" : frame.text
    }
}

/// Processes whose parent is `pid`, with their state letter (Z = zombie).
func childProcesses(of pid: Int32) -> [(pid: Int32, state: String)] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    return entries.compactMap { name -> (Int32, String)? in
        guard let child = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 2, Int32(fields[1]) == pid else { return nil }
        return (child, String(fields[0]))
    }
}

func openFileCount(of pid: Int32) -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
}

func residentKiB(of pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return -1 }
    return Int(line.split(separator: " ")[1]) ?? -1
}
