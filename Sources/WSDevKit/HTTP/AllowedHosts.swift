import WSWire
/// Which names a request's `Host` may give for this server: the defence against DNS rebinding,
/// as Vite's `server.allowedHosts`.
///
/// A page at `http://evil.example:9998` whose name its owner then points at 127.0.0.1 stays, to
/// the browser, the same site: it may read every answer, and its Origin matches its Host. Only the
/// name in `Host` tells it from a page of this server. `localhost`, `*.localhost` and IP literals
/// cannot be rebound by anyone else's DNS, so they always pass; other names only when given.
public struct AllowedHosts: Sendable, Equatable {
    /// Exact names, lower case, without a trailing dot.
    public private(set) var names: [String] = []
    /// Domains allowed with all their subdomains (given as `.example.com`), without the dot.
    public private(set) var domains: [String] = []
    /// `--allowed-host any`: the check is off.
    public private(set) var allowsAnyName = false

    /// `--allowed-host` values: names, `.domain`s, or `any`.
    public init(_ given: [String] = []) {
        for value in given { add(value) }
    }

    /// One `--allowed-host` value: a name, `.domain` for it and its subdomains, or `any`.
    public mutating func add(_ value: String) {
        let name = Self.canonical(value)
        if name == "any" {
            allowsAnyName = true
        } else if name.hasPrefix(".") {
            domains.append(String(name.dropFirst()))
        } else {
            add(name: name)
        }
    }

    /// A name this server goes by (`--host NAME`, the machine's names with `--lan`), taken as it is.
    mutating func add(name: String) {
        let name = Self.canonical(name)
        if !name.isEmpty, !names.contains(name) { names.append(name) }
    }

    /// Lower case, without the trailing dot of a fully qualified name.
    static func canonical(_ name: some StringProtocol) -> String {
        var name = name.lowercased()
        while name.count > 1, name.hasSuffix(".") { name.removeLast() }
        return name
    }

    enum Verdict: Equatable {
        case allowed
        /// A name that may point anywhere and was not given: refused (403).
        case foreign
        /// Not `host[:port]` at all (400).
        case invalid
    }

    /// What a `Host` value (`localhost:9998`, `[::1]:9998`, `evil.example`) means here.
    func verdict(_ host: String) -> Verdict {
        var host = host
        return host.withUTF8 { bytes in
            switch HostHeader.read(bytes) {
            case nil: .invalid
            case .address: .allowed
            case .name(let name): allowsAnyName || allows(name) ? .allowed : .foreign
            }
        }
    }

    /// Whether `host` may be served, for the event-loop paths that hand anything doubtful on.
    func allows(_ host: String) -> Bool { verdict(host) == .allowed }

    private func allows(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let localhost = UnsafeBufferPointer(start: Self.localhost.utf8Start, count: Self.localhost.utf8CodeUnitCount)
        if ASCIICase.equals(name, localhost) || Self.isSubdomain(name, of: localhost) { return true }
        for allowed in names where ASCIICase.equals(name, allowed.utf8) { return true }
        for domain in domains where ASCIICase.equals(name, domain.utf8) || Self.isSubdomain(name, of: domain.utf8) { return true }
        return false
    }

    private static let localhost: StaticString = "localhost"

    /// Whether `name` is `something.` followed by `domain`.
    private static func isSubdomain(_ name: Slice<UnsafeBufferPointer<UInt8>>, of domain: some Collection<UInt8>) -> Bool {
        guard name.count > domain.count else { return false }
        let start = name.index(name.endIndex, offsetBy: -domain.count)
        return name[name.index(before: start)] == UInt8(ascii: ".") && ASCIICase.equals(name[start...], domain)
    }
}
