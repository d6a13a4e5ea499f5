import Foundation

/// Everything `wsdev serve` can be told; the CLI fills it in, tests build it directly.
public struct ServerConfiguration: Sendable {
    /// Directory whose files are served.
    public var root: String
    /// `nil` means loopback: both 127.0.0.1 and ::1, because browsers resolve `localhost` to either.
    public var host: String?
    /// 0 picks a free port.
    public var port: Int
    public var handlersDirectory: String?
    public var liveReload: Bool
    public var deflate: Bool
    public var quiet: Bool
    /// Largest WebSocket message accepted; a bigger one closes the connection with 1009.
    public var maxMessageBytes: Int

    public init(
        root: String = "public",
        host: String? = nil,
        port: Int = 9998,
        handlersDirectory: String? = nil,
        liveReload: Bool = true,
        deflate: Bool = true,
        quiet: Bool = false,
        maxMessageBytes: Int = 16 << 20
    ) {
        self.root = root
        self.host = host
        self.port = port
        self.handlersDirectory = handlersDirectory
        self.liveReload = liveReload
        self.deflate = deflate
        self.quiet = quiet
        self.maxMessageBytes = maxMessageBytes
    }

    /// The hosts to listen on, in bind order.
    var bindHosts: [String] {
        switch host {
        case nil, "localhost": return ["127.0.0.1", "::1"]
        case let host?: return [host]
        }
    }

    var isLoopbackDefault: Bool { host == nil || host == "localhost" }
}
