#if canImport(Glibc)
import Glibc
#endif

/// Strings as the NULL-terminated array of C strings `execve` takes for its arguments and
/// environment, all in one allocation: a `strdup` per string cost a handler's connection an
/// allocation and a free for each of its ~30 environment entries.
struct CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let storage: UnsafeMutablePointer<CChar>

    init(_ strings: [String]) {
        let bytes = strings.reduce(0) { $0 + $1.utf8.count + 1 }
        storage = .allocate(capacity: max(bytes, 1))
        pointers = .allocate(capacity: strings.count + 1)
        var offset = 0
        for (index, string) in strings.enumerated() {
            let start = storage + offset
            var string = string
            string.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { start.update(from: $0.baseAddress!, count: $0.count) }
                start[utf8.count] = 0
                offset += utf8.count + 1
            }
            pointers[index] = start
        }
        pointers[strings.count] = nil
    }

    func free() {
        storage.deallocate()
        pointers.deallocate()
    }
}
