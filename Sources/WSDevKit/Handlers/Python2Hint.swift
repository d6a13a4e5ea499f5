/// The classic tutorial's handlers were written for Python 2 (`isinstance(line, unicode)`,
/// `print "..."`); under python3 they fail with errors that do not say why. This recognises
/// those errors and says what to change.
enum Python2Hint {
    /// Python 2 built-ins that python3 lacks, and what to use instead.
    private static let names: [(name: String, instead: String)] = [
        ("unicode", "str"), ("basestring", "str"), ("xrange", "range"), ("raw_input", "input"),
        ("unichr", "chr"), ("long", "int"), ("execfile", "exec(open(f).read())"),
    ]

    /// A sentence to add after `error` (a traceback, its last line, or Python's compile message), or nil.
    static func hint(for error: String) -> String? {
        for (name, instead) in names where error.contains("name '\(name)' is not defined") {
            return "handlers run under python3, which has no \(name) (it was Python 2's): use \(instead) instead"
        }
        if error.contains("Missing parentheses in call to 'print'") {
            return "handlers run under python3, where print is a function (Python 2's print statement is gone): write print(...)"
        }
        if error.contains("Missing parentheses in call to 'exec'") {
            return "handlers run under python3, where exec is a function: write exec(...)"
        }
        return nil
    }

    /// `error`, followed by the hint when there is one.
    static func annotate(_ error: String) -> String {
        hint(for: error).map { "\(error) — \($0)" } ?? error
    }
}
