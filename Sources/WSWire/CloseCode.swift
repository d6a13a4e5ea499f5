/// Close codes as RFC 6455 §7.4 and the IANA registry define them.
public enum CloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let invalidPayload: UInt16 = 1007
    public static let tooBig: UInt16 = 1009
    /// "No code": never on the wire. Closing with it sends a close frame without a code (RFC 6455 §7.1.5).
    public static let noStatus: UInt16 = 1005

    /// Whether a peer may put `code` in a close frame. 1005, 1006 and 1015 only ever appear in
    /// logs and APIs, 1004 and 1016–2999 are unassigned, and anything under 1000 is not a code:
    /// a close frame carrying one of those fails the connection with 1002 (RFC 6455 §7.4.1).
    public static func isSendable(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }

    public static let unsupportedData: UInt16 = 1003
    public static let policyViolation: UInt16 = 1008
    public static let internalError: UInt16 = 1011

    /// A close reason cut to what a control frame holds (123 bytes of UTF-8), on a character boundary.
    public static func clip(_ reason: String) -> String {
        guard reason.utf8.count > 123 else { return reason }
        var result = ""
        for character in reason {
            guard result.utf8.count + character.utf8.count <= 123 else { break }
            result.append(character)
        }
        return result
    }
}
