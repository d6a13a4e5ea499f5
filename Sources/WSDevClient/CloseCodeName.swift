/// Close codes in words (RFC 6455 §7.4.1 and the IANA registry), for people reading a close.
public enum CloseCodeName {
    public static func of(_ code: UInt16) -> String {
        switch code {
        case 1000: return "normal closure"
        case 1001: return "going away"
        case 1002: return "protocol error"
        case 1003: return "unsupported data"
        case 1005: return "no code given"
        case 1006: return "connection lost"
        case 1007: return "invalid data"
        case 1008: return "policy violation"
        case 1009: return "message too big"
        case 1010: return "extension required"
        case 1011: return "internal server error"
        case 1012: return "service restart"
        case 1013: return "try again later"
        case 1014: return "bad gateway"
        case 1015: return "TLS handshake failed"
        case 3000...3999: return "registered application code"
        case 4000...4999: return "application code"
        default: return "unassigned code"
        }
    }
}
