import NIOCore

/// Where a connection goes once its first request has shown what it is: to `Listener`, which
/// gives it a task unless `LoopSession` serves it on the event loop.
///
/// A callback made once per listening socket, rather than a promise per connection: most
/// short-lived connections end on the loop, and a promise, its future and the callback on it cost
/// each of them ~4,000 instructions (callgrind, churn).
struct Arrival: Sendable {
    let deliver: @Sendable (Result<UpgradeChannel.Negotiated, any Error>) -> Void

    func succeed(_ negotiated: UpgradeChannel.Negotiated) {
        deliver(.success(negotiated))
    }

    func fail(_ error: any Error) {
        deliver(.failure(error))
    }

    func completeWith(_ future: EventLoopFuture<UpgradeChannel.Negotiated>) {
        future.whenComplete(deliver)
    }
}
