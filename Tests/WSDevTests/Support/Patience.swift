import Foundation

/// How long a test waits for something that should happen: an answer, a log line, a page load.
/// Waits that succeed return at once, so this costs nothing when the test passes; it is generous
/// because CI machines can be shared by dozens of busy processes, where a Python handler or a
/// browser may take many seconds to answer. Tests that show something does *not* happen, or
/// that it happens quickly, set their own short limits.
let patience: TimeInterval = 30
