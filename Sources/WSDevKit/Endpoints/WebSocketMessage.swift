import NIOCore
import WSWire

/// One whole WebSocket message, as endpoints send and receive it: fragments joined, permessage-
/// deflate undone, and text checked to be UTF-8 (RFC 6455 §5.6, §8.1).
public struct WebSocketMessage: Sendable {
    public enum Kind: Sendable, Equatable { case text, binary }

    public var kind: Kind
    /// The payload; for text, its UTF-8 bytes.
    public var data: ByteBuffer

    public init(_ kind: Kind, _ data: ByteBuffer) {
        self.kind = kind
        self.data = data
    }

    public static func text(_ text: String) -> WebSocketMessage { .init(.text, ByteBuffer(string: text)) }
    public static func binary(_ data: ByteBuffer) -> WebSocketMessage { .init(.binary, data) }

    /// The text of a text message (nil for binary).
    public var text: String? { kind == .text ? String(buffer: data) : nil }

    var opcode: UInt8 { kind == .text ? FrameHeader.text : FrameHeader.binary }
}
