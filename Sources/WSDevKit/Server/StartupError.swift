/// Reasons `wsdev serve` cannot start; each message says what happened and what to do.
public enum StartupError: Error, CustomStringConvertible, Equatable {
    /// `free`: a port found free just now, to suggest.
    case portInUse(host: String, port: Int, free: Int? = nil)
    case permissionDenied(host: String, port: Int)
    case addressUnavailable(host: String, port: Int)
    /// The folder, and the closest existing one when there is a near miss.
    case rootMissing(String, closest: String? = nil)
    case rootNotDirectory(String)
    case bindFailed(host: String, port: Int, reason: String)
    case handlersMissing(String, closest: String? = nil)
    case handlersNotDirectory(String)

    public var description: String {
        switch self {
        case .portInUse(let host, let port, let free):
            return "port \(port) on \(host) is already in use (another wsdev, pywebsocket or web server?). "
                + "Stop that program, or choose another port: "
                + (free.map { "--port \($0) is free now, or " } ?? "")
                + "--port auto picks a free one (the banner shows it)"
        case .permissionDenied(let host, let port):
            return "not allowed to listen on \(host) port \(port) (ports below 1024 need root). "
                + "Choose a port above 1024: wsdev serve --port 9998"
        case .addressUnavailable(let host, let port):
            return "cannot listen on \(host) port \(port): this machine has no such address. "
                + "Use --host with one of this machine's addresses, or leave --host out for localhost"
        case .rootMissing(let path, let closest?):
            return "document root '\(path)' does not exist. Did you mean \(closest)? wsdev serve \(closest)"
        case .rootMissing(let path, nil):
            return "document root '\(path)' does not exist. "
                + "Create it (mkdir -p \(path)) or name the folder to serve: wsdev serve path/to/site"
        case .rootNotDirectory(let path):
            return "document root '\(path)' is a file, not a folder. "
                + "Name the folder that holds it: wsdev serve path/to/site"
        case .handlersMissing(let path, let closest?):
            return "handlers folder '\(path)' does not exist. Did you mean \(closest)? --handlers \(closest)"
        case .handlersMissing(let path, nil):
            return "handlers folder '\(path)' does not exist. Create it (mkdir -p \(path)) or name the folder that holds your handlers: --handlers path/to/handlers"
        case .handlersNotDirectory(let path):
            return "--handlers '\(path)' is a file, not a folder. Name the folder that holds the handler files"
        case .bindFailed(let host, let port, let reason):
            return "cannot listen on \(host) port \(port): \(reason). Try another --port or --host"
        }
    }
}
