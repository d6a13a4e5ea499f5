import Foundation
#if canImport(Glibc)
import Glibc
#endif
import WSWire

/// Everything `wsdev connect` shows, in one of three forms:
/// - interactive (a terminal): `> ` before what you type, `< ` before what arrives, `* ` notes,
///   with the line being typed redrawn below anything that arrives;
/// - pipe: each message received on its own line of standard output, notes on standard error;
/// - `--json`: one object per event on standard output.
final class ConnectPrinter {
    enum Form { case interactive, pipe, json }

    let form: Form
    let colour: Bool
    /// The line being typed, redrawn after every line printed above it; nil while no prompt shows.
    var editing: LineEditor?
    /// How much of a binary message interactive mode shows.
    private let hexPreview = 64

    init(form: Form, colour: Bool) {
        self.form = form
        self.colour = colour
    }

    func opened(_ url: WebSocketURL, _ handshake: ClientHandshake) {
        let chosen = handshake.selectedProtocol.map { " (subprotocol \($0))" } ?? ""
        switch form {
        case .json: json(JSONLine(event: "open").with("url", .string(url.description)).with("protocol", handshake.selectedProtocol.map { .string($0) }))
        case .pipe: break
        case .interactive:
            note("connected to \(url)\(chosen)")
            note("type a message and press Enter; /help lists commands; Ctrl-D or Ctrl-C closes")
        }
    }

    func sent(_ message: ClientMessage) {
        guard form == .json else { return }
        json(Self.describe(message, event: "sent"))
    }

    func received(_ message: ClientMessage) {
        switch form {
        case .json: json(Self.describe(message, event: "message"))
        case .pipe:
            switch message {
            case .text(let text): write(text + "\n")
            case .binary(let bytes): write(HexBytes.format(bytes, separator: "") + "\n")
            }
        case .interactive:
            let shown: String
            switch message {
            case .text(let text): shown = Self.visible(text).replacingOccurrences(of: "\n", with: "\n  ")
            case .binary(let bytes):
                let more = bytes.count > hexPreview ? " … (\(bytes.count - hexPreview) more)" : ""
                shown = "(binary, \(bytes.count) byte\(bytes.count == 1 ? "" : "s")) " + HexBytes.format(bytes.prefix(hexPreview)) + more
            }
            line(paint("< ", 36) + shown)
        }
    }

    func ping(_ payload: [UInt8]) {
        switch form {
        case .json: json(JSONLine(event: "ping").with("data", .string(String(decoding: payload, as: UTF8.self))))
        case .pipe: break
        case .interactive: note("the server pinged; answered with a pong")
        }
    }

    func pong(_ payload: [UInt8], milliseconds: Double?) {
        switch form {
        case .json: json(JSONLine(event: "pong").with("data", .string(String(decoding: payload, as: UTF8.self))).with("ms", milliseconds.map { .number($0) }))
        case .pipe: break
        case .interactive: note("pong" + (milliseconds.map { " after \(String(format3: $0)) ms" } ?? ""))
        }
    }

    /// Something the user should know that is not an event: where input went, what closes.
    func note(_ text: String) {
        switch form {
        case .json: break
        case .pipe: Self.write(text + "\n", to: 2)
        case .interactive: line(paint("* " + text, 2))
        }
    }

    /// A mistake of the user's (a bad command, a line that is not hex) or a failure.
    func problem(_ text: String) {
        switch form {
        case .json:
            json(JSONLine(event: "error").with("message", .string(text)))
            Self.write("wsdev connect: \(text)\n", to: 2)
        case .pipe: Self.write("wsdev connect: \(text)\n", to: 2)
        case .interactive: line(paint("! " + text, 31))
        }
    }

    func failed(_ error: ClientError) {
        if form == .json {
            json(JSONLine(event: "error").with("message", .string(error.description)).with("status", error.status.map { .integer($0) }))
        }
        let text = "wsdev connect: \(error.description)\n"
        Self.write(form == .interactive && colour ? paint(text, 31) : text, to: 2)
    }

    func closed(_ close: ClientClose) {
        hidePrompt()
        let said = Self.describe(close)
        switch form {
        case .json:
            json(JSONLine(event: "close").with("code", .integer(Int(close.code))).with("reason", .string(close.reason))
                .with("by", .string(Self.name(close.initiator))).with("clean", .bool(close.clean)))
            if close.code != CloseCode.normal { Self.write("wsdev connect: \(said)\n", to: 2) }
        case .pipe:
            Self.write((close.code == CloseCode.normal ? "" : "wsdev connect: ") + said + "\n", to: 2)
        case .interactive:
            line(paint("* " + said, close.code == CloseCode.normal ? 2 : 31))
        }
    }

    /// "closed 1000 (normal closure) by the server: bye"
    static func describe(_ close: ClientClose) -> String {
        let reason = close.reason.isEmpty ? "" : ": \(visible(close.reason))"
        switch close.initiator {
        case .neither: return "connection lost (1006, no close frame)\(reason)"
        case .client: return "closed \(close.code) (\(CloseCodeName.of(close.code))) by this client\(reason)"
        case .server: return "closed \(close.code) (\(CloseCodeName.of(close.code))) by the server\(reason)"
        }
    }

    private static func name(_ initiator: ClientClose.Initiator) -> String {
        switch initiator {
        case .client: return "client"
        case .server: return "server"
        case .neither: return "nobody"
        }
    }

    /// The message JSON mode gives: text as it is, binary in base64 (as handlers' messages=json).
    private static func describe(_ message: ClientMessage, event: String) -> JSONLine {
        switch message {
        case .text(let text): return JSONLine(event: event).with("type", .string("text")).with("data", .string(text))
        case .binary(let bytes): return JSONLine(event: event).with("type", .string("binary")).with("data", .string(Data(bytes).base64EncodedString()))
        }
    }

    /// Control characters shown escaped, so a message cannot move the cursor or recolour the terminal.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: The terminal

    /// A line above the prompt: the line being typed is cleared, the text printed, the prompt redrawn.
    private func line(_ text: String) {
        write((editing == nil ? "" : "\r\u{1B}[2K") + text + "\n" + promptText)
    }

    /// Takes the prompt away (the connection is closing): nothing more is typed.
    func hidePrompt() {
        guard editing != nil else { return }
        editing = nil
        write("\r\u{1B}[2K")
    }

    func redrawPrompt() {
        guard editing != nil else { return }
        write("\r\u{1B}[2K" + promptText)
    }

    /// Ends the line just submitted, so that what follows starts below it.
    func submitted() {
        write("\n" + promptText)
    }

    private var promptText: String {
        guard let editing else { return "" }
        return paint("> ", 32) + Self.visible(editing.text)
    }

    private func paint(_ text: String, _ code: Int) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func json(_ line: JSONLine) {
        write(line.text + "\n")
    }

    private func write(_ text: String) {
        Self.write(text, to: 1)
    }

    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
