/// Everything `wsdev connect` was told.
public struct ConnectOptions: Sendable {
    public var request: ClientRequest
    /// `--binary`: each input line is hexadecimal bytes, sent as a binary message.
    public var binary = false
    /// `--json`: every event as one JSON object per line on standard output.
    public var json = false
    /// `--ping SECONDS`: ping the server this often.
    public var pingInterval: Double?
    /// `--linger SECONDS` (pipe mode): after the input ends, close once the server has been
    /// silent this long, so that answers to the last lines still arrive.
    public var linger: Double = 0.5
    /// Standard input is a terminal: the line editor, the prompt and slash commands.
    public var interactive: Bool
    /// Colours on standard output (a terminal, and no `NO_COLOR`).
    public var colour: Bool

    public init(request: ClientRequest, interactive: Bool, colour: Bool) {
        self.request = request
        self.interactive = interactive
        self.colour = colour
    }
}
