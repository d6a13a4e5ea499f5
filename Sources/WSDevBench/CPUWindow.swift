import NIOCore

/// The CPU the server and the generator used over the measured part of a run, read just before
/// and just after it (connection set-up and close handshakes left out), and the server's RSS
/// after it. The server's CPU counts its descendants (websocketd's `cat`s, handler processes);
/// with `serverAlone`, its own process is also read without them.
struct CPUWindow: Sendable {
    private let server: ProcessProbe?
    private let serverAlone: Bool
    /// When the window opened.
    let start: NIODeadline
    private let serverStart: Double?
    private let serverOwnStart: Double?
    private let clientStart: Double
    private(set) var seconds = 0.0
    private(set) var serverSeconds: Double?
    private(set) var serverOwnSeconds: Double?
    private(set) var clientSeconds = 0.0
    private(set) var serverRSS: Int?

    /// Opens the window now.
    init(server: ProcessProbe?, serverAlone: Bool = false) {
        self.server = server
        self.serverAlone = serverAlone
        serverStart = server?.cpuSeconds()
        serverOwnStart = serverAlone ? server?.cpuSeconds(descendants: false) : nil
        clientStart = ProcessProbe.ownCPUSeconds()
        start = NIODeadline.now()
    }

    mutating func close() {
        seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        serverSeconds = server?.cpuSeconds().flatMap { now in serverStart.map { now - $0 } }
        if serverAlone {
            serverOwnSeconds = server?.cpuSeconds(descendants: false).flatMap { now in serverOwnStart.map { now - $0 } }
        }
        clientSeconds = ProcessProbe.ownCPUSeconds() - clientStart
        serverRSS = server?.residentKiB()
    }
}

extension BenchReport {
    /// The window's RSS and CPU, and CPU per echo. The CPU covers warm-up and counted messages
    /// alike, so it is divided by every echo.
    mutating func fill(cpu: CPUWindow, echoes: Int) {
        serverRssAfterKib = cpu.serverRSS
        guard echoes > 0 else { return }
        serverCpuSeconds = cpu.serverSeconds.map { ($0 * 100).rounded() / 100 }
        clientCpuSeconds = (cpu.clientSeconds * 100).rounded() / 100
        serverCpuUsPerMsg = cpu.serverSeconds.map { ($0 / Double(echoes) * 1e8).rounded() / 100 }
        clientCpuUsPerMsg = (cpu.clientSeconds / Double(echoes) * 1e8).rounded() / 100
    }
}
