import NIOCore
import NIOPosix

/// A failed TCP connect in words: nothing listening, no such host, no answer.
enum ConnectFailure {
    static func explain(_ error: any Error, url: WebSocketURL) -> ClientError {
        let place = "\(url.host) port \(url.port)"
        if let failure = error as? NIOConnectionError {
            if failure.connectionErrors.isEmpty {
                let dns: any Error = failure.dnsAError ?? failure.dnsAAAAError ?? error
                return ClientError("cannot find the host '\(url.host)' (\(dns)). Check its spelling; for this machine use localhost.")
            }
            if failure.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return refusedMessage(place, url: url)
            }
            return ClientError("cannot connect to \(place): \(failure.connectionErrors.map { "\($0.target): \($0.error)" }.joined(separator: "; "))")
        }
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return refusedMessage(place, url: url) }
        if case ChannelError.connectTimeout = error {
            return ClientError("no answer from \(place) within the connect timeout. Is the address right, and is a firewall in the way?")
        }
        return ClientError("cannot connect to \(place): \(error)")
    }

    private static func refusedMessage(_ place: String, url: WebSocketURL) -> ClientError {
        ClientError("nothing is listening on \(place). Is the server running? Start one with: wsdev serve --port \(url.port) (wsdev prints its address when it starts).")
    }
}
