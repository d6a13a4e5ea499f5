import Crypto
import Foundation

@testable import WSDevBench
@testable import WSWire

/// A WebSocket echo server written for the bench tests, on real loopback sockets, doing what
/// wsdev's /echo never does: before each echo it pings the client and waits for the pong, then
/// sends the echo in three fragments. A wrong or missing pong makes it corrupt the echo, so a
/// client that does not answer pings, or does not join fragments, shows mismatches or errors.
final class FragmentingEchoServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ready else {
            let code = errno
            close(fd)
            throw TCPConnection.Failure(description: "test server could not listen: errno \(code)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread {
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }  // closed by stop()
                Thread.detachNewThread { Connection(connection).serve() }
            }
        }
    }

    private let stopped = NSLock()
    private var isStopped = false

    /// Stops accepting; once only, so that a descriptor number reused since is never closed.
    func stop() {
        stopped.lock()
        defer { stopped.unlock() }
        guard !isStopped else { return }
        isStopped = true
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private final class Connection {
        let fd: Int32
        var buffer: [UInt8] = []

        init(_ fd: Int32) { self.fd = fd }

        func serve() {
            defer { close(fd) }
            guard let head = readHead(), let key = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("sec-websocket-key:") })?
                .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) else { return }
            let accept = String(decoding: Base64.encode(Array(Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)))), as: UTF8.self)
            write(Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n".utf8))
            var pings = 0
            while let (opcode, payload) = readFrame() {
                switch opcode {
                case 0x1, 0x2:
                    pings += 1
                    let ping = Array("ping \(pings)".utf8)
                    write(frame(fin: true, opcode: 0x9, ping))
                    guard let (answer, echoed) = readFrame() else { return }
                    var data = payload
                    if answer != 0xA || echoed != ping, !data.isEmpty { data[0] ^= 0xFF }
                    let third = data.count / 3
                    write(frame(fin: false, opcode: opcode, Array(data[..<third]))
                        + frame(fin: false, opcode: 0x0, Array(data[third..<(2 * third)]))
                        + frame(fin: true, opcode: 0x0, Array(data[(2 * third)...])))
                case 0x8:
                    write(frame(fin: true, opcode: 0x8, [0x03, 0xE8]))
                    return
                default:
                    break
                }
            }
        }

        private func frame(fin: Bool, opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
            var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
            if payload.count < 126 {
                bytes.append(UInt8(payload.count))
            } else if payload.count <= 0xFFFF {
                bytes += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
            } else {
                bytes.append(127)
                for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((payload.count >> shift) & 0xFF)) }
            }
            return bytes + payload
        }

        private func readHead() -> String? {
            while true {
                if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                    let head = String(decoding: buffer[..<end.upperBound], as: UTF8.self)
                    buffer.removeSubrange(..<end.upperBound)
                    return head
                }
                guard fill() else { return nil }
            }
        }

        /// The next client frame, unmasked.
        private func readFrame() -> (UInt8, [UInt8])? {
            guard let first = take(2) else { return nil }
            var length = Int(first[1] & 0x7F)
            if length == 126 {
                guard let extended = take(2) else { return nil }
                length = Int(extended[0]) << 8 | Int(extended[1])
            } else if length == 127 {
                guard let extended = take(8) else { return nil }
                length = extended.reduce(0) { $0 << 8 | Int($1) }
            }
            guard first[1] & 0x80 != 0, let mask = take(4), var payload = take(length) else { return nil }
            for index in payload.indices { payload[index] ^= mask[index % 4] }
            return (first[0] & 0x0F, payload)
        }

        private func take(_ count: Int) -> [UInt8]? {
            while buffer.count < count { guard fill() else { return nil } }
            defer { buffer.removeFirst(count) }
            return Array(buffer[..<count])
        }

        private func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return false }
            buffer += chunk[..<count]
            return true
        }

        private func write(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let count = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { return }
                offset += count
            }
        }
    }
}
