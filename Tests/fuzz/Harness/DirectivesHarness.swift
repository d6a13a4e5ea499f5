import WSDevKit

/// `HandlerDirectives.parse` reads the `# wsdev:` comment of every file dropped into the handlers
/// folder: it must take any text, and what it keeps must be usable as it is.
enum DirectivesHarness {
    static func run(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        let directives = HandlerDirectives.parse(text)
        for name in directives.protocols {
            require(!name.isEmpty && !name.contains(",") && !name.contains(" ") && !name.contains("\n"), "subprotocol \(name.debugDescription)")
        }
        for word in directives.unknown {
            require(!word.isEmpty && !word.contains(" ") && !word.contains("\t"), "unknown word \(word.debugDescription)")
        }
        // Only lines with the marker are read.
        if !text.contains("wsdev:") { require(directives == HandlerDirectives(), "directives without a wsdev: marker") }
    }
}
