// The entry point: `@main` instead of a main.swift, whose top-level globals would be main-actor isolated.
import Dispatch

@main
enum Entry {
    /// Not `AsyncParsableCommand`'s async main: Swift ends an async main's thread with
    /// `pthread_exit`, whose forced unwind reads the binary's unwind tables, half a MiB that then
    /// stays resident for the server's whole life. Here the main thread waits instead, and the
    /// command runs detached from the main actor that this thread no longer serves.
    static func main() {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await WSDevCommand.main()
            done.signal()
        }
        done.wait()
    }
}
