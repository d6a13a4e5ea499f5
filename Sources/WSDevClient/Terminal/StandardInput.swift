import Foundation

/// Standard input read on a thread of its own (a blocking `read` has no place on the event loop
/// or in Swift's small task pool), its bytes handed on as they come; `nil` once it ends.
enum StandardInput {
    static func start(_ deliver: @escaping @Sendable ([UInt8]?) -> Void) {
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                deliver(Array(chunk[..<count]))
            }
            deliver(nil)
        }
    }
}
