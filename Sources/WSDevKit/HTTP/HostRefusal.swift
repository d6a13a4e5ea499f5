import HTTPTypes
import NIOHTTP1

/// A request refused for its `Host` field: the status, and one message for the page (or the
/// handshake's plain-text answer) and the log, which says what happened and what to do.
struct HostRefusal: Sendable, Equatable {
    let status: HTTPResponse.Status
    let message: String
}

extension AllowedHosts {
    /// nil when a request with these Host fields may be served. RFC 9112 §3.2 wants exactly one
    /// Host (HTTP/1.0 requests without one were given the connection's address beforehand).
    func refusal(_ host: HTTPHeaders.Single) -> HostRefusal? {
        let value: String
        switch host {
        case .one(let one): value = one
        case .none:
            return HostRefusal(
                status: .badRequest,
                message: "wsdev refused a request without a Host header: HTTP/1.1 requires one (RFC 9112 §3.2). "
                    + "Send the name and port you connected to, as browsers and HTTP clients do.")
        case .many:
            return HostRefusal(
                status: .badRequest,
                message: "wsdev refused a request with more than one Host header (RFC 9112 §3.2). Send exactly one: the name and port you connected to.")
        }
        switch verdict(value) {
        case .allowed:
            return nil
        case .invalid:
            return HostRefusal(
                status: .badRequest,
                message: "wsdev refused a request for Host '\(value)': that is not a host name or IP address with an optional port (RFC 9112 §3.2). "
                    + "Send the name and port you connected to, as browsers and HTTP clients do.")
        case .foreign:
            let name = Self.canonical(value.prefix { $0 != ":" })
            return HostRefusal(
                status: .forbidden,
                message: "wsdev refused a request for Host '\(value)': only localhost, IP addresses and names given with --allowed-host reach this server "
                    + "(a defence against DNS rebinding). If you opened this page by that name on purpose, restart with --allowed-host \(name) "
                    + "(or --allowed-host any to turn the check off).")
        }
    }
}
