#if os(Linux)
import Glibc
import NIOCore

/// One generator thread's lanes and what they measured, and the poll loop that drives them: the
/// plain-socket engine of every mode but hold.
///
/// The generator shares two cores with the server it measures, so its CPU per message caps what
/// any server can show. Through NIO channels an echo cost the generator several times more CPU
/// (a `WebSocketFrameDecoder` and handler per connection, a `ByteBuffer` allocated per frame
/// read and per frame written, promises, retain/release) and a churn connection more than the
/// kernel's own connect/accept/close work (channel, pipeline and handler objects, selector
/// registration and the deregistration dance on close); here an echo is a `write`, a share of a
/// `poll` and a `read`, with the frame parsed and checked in place, and a churn cycle about a
/// dozen system calls.
///
/// `poll` rather than epoll: a thread has a few dozen lanes at most, so passing their fds on
/// every wait costs little next to the `send`s (which on loopback also deliver to the server and
/// wake it), it saves an `epoll_ctl` per churn connection, and Swift's Glibc module does not
/// export epoll. A single-connection thread blocking in `read` instead of `poll` then `read` was
/// measured too (latency mode, alternating runs): no difference beyond the noise, so there is one
/// path. Benchmarks/README.md has the figures.
struct LaneGroup<Lane: SocketLane>: Sendable {
    var lanes: [Lane]
    var tally: Lane.Tally

    /// Connects and handshakes every lane, at most `window` handshakes under way at once: a lane
    /// starts as soon as an earlier one's handshake ends.
    mutating func open(_ shared: Lane.Shared, window: Int) {
        var started = 0
        while true {
            var underway = lanes[..<started].count(where: \.isUpgrading)
            while underway < window && started < lanes.count {
                lanes[started].open(shared, now: NIODeadline.now(), &tally)
                if lanes[started].isUpgrading { underway += 1 }
                started += 1
            }
            guard underway > 0 else { return }
            // Back as soon as one handshake ends while lanes are left to start; once all have
            // started, when none is under way.
            let enough = started < lanes.count ? underway : 1
            drive(shared) { group in group.lanes[..<started].count(where: \.isUpgrading) >= enough }
        }
    }

    /// Sends every open lane's close and waits for the server's answers and TCP closes, at most
    /// `patience`; then closes what is left.
    mutating func close(_ shared: Lane.Shared, patience: TimeAmount) {
        let until = NIODeadline.now() + patience
        for index in lanes.indices { lanes[index].beginClose(until: until, &tally) }
        drive(shared)
        for index in lanes.indices { lanes[index].end(nil, &tally) }
    }

    /// Polls the lanes that wait for the server, handling what they get and expiring those whose
    /// deadline passes, until none waits, `until` passes, or `busy` says the group is done.
    mutating func drive(_ shared: Lane.Shared, until: NIODeadline = .distantFuture, while busy: (Self) -> Bool = { _ in true }) {
        var requests = [pollfd](repeating: pollfd(), count: lanes.count)
        var waiting = [Int](repeating: 0, count: lanes.count)
        while busy(self) {
            var count = 0
            var next = until
            for index in lanes.indices where lanes[index].isWaiting {
                requests[count] = lanes[index].pollRequest
                waiting[count] = index
                count += 1
                next = min(next, lanes[index].deadline)
            }
            var now = NIODeadline.now()
            guard count > 0, now < until else { return }
            // Milliseconds, rounded up so as not to spin just before a deadline; capped so that
            // a clock step cannot stall the run.
            let wait = next <= now ? 0 : Int32(min(100, (next - now).nanoseconds / 1_000_000 + 1))
            let ready = requests.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t(count), wait) }
            if ready > 0 {
                for slot in 0..<count where requests[slot].revents != 0 {
                    lanes[waiting[slot]].handle(requests[slot].revents, shared, &tally)
                }
            }
            now = NIODeadline.now()
            for slot in 0..<count where lanes[waiting[slot]].isWaiting && lanes[waiting[slot]].deadline <= now {
                lanes[waiting[slot]].expire(shared, &tally)
            }
        }
    }
}
#endif
