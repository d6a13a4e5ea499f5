import NIOCore
import NIOPosix
import NIOWebSocket

/// Opens WebSocket connections to the target: TCP connect (from a chosen loopback source when
/// given), the hand-written handshake, then NIO's frame decoder and an `EchoDriver` (which
/// writes its own masked frames, see `MaskedFrame`).
struct Connector: Sendable {
    let target: BenchTarget
    let payload: Payload
    let tallies: Tallies
    let maxMessage: Int
    var connectTimeout: TimeAmount = .seconds(10)

    /// An open connection and the driver to command it.
    struct Connection: Sendable {
        let channel: any Channel
        let driver: NIOLoopBound<EchoDriver>

        func start(_ run: EchoDriver.Run) -> EventLoopFuture<Void> {
            let driver = self.driver
            return channel.eventLoop.flatSubmit { driver.value.start(run) }
        }

        func close(patience: TimeAmount = .seconds(2)) -> EventLoopFuture<Void> {
            let driver = self.driver
            return channel.eventLoop.flatSubmit { driver.value.close(patience: patience) }
        }
    }

    /// Connection number `index` comes from source `index % sources` and runs on loop
    /// `loopIndex % threads` (by default `index % threads`).
    func open(_ index: Int, loop loopIndex: Int? = nil) async throws -> Connection {
        try await connect(index, loop: loopIndex).get()
    }

    /// The same, as a future on the connection's own loop.
    func connect(_ index: Int, loop loopIndex: Int? = nil) -> EventLoopFuture<Connection> {
        let loop = tallies.loop(loopIndex ?? index)
        let tally = tallies.tally(loopIndex ?? index)
        let ready = loop.makePromise(of: NIOLoopBound<EchoDriver>.self)
        let target = self.target
        let payload = self.payload
        let maxMessage = self.maxMessage
        var bootstrap = ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20))
            .connectTimeout(connectTimeout)
        if let source = target.source(index) {
            // Bind the address only; the port is picked at connect time, per destination, so
            // sources do not each run out of ports at 28k (Linux IP_BIND_ADDRESS_NO_PORT).
            bootstrap = bootstrap
                .channelOption(ChannelOptions.Types.SocketOption(level: .ip, name: NIOBSDSocket.Option(rawValue: 24)), value: 1)
                .bind(to: source)
        }
        bootstrap = bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let driver = EchoDriver(payload: payload, tally: tally.value, eventLoop: channel.eventLoop)
                var random = FastRandom()
                let handshake = ClientHandshake(target: target, random: &random) { pipeline in
                    try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxMessage)))
                    try pipeline.addHandler(driver)
                } finished: { result in
                    switch result {
                    case .success: ready.succeed(NIOLoopBound(driver, eventLoop: channel.eventLoop))
                    case .failure(let error): ready.fail(error)
                    }
                }
                try channel.pipeline.syncOperations.addHandler(handshake)
            }
        }
        let connected = bootstrap.connect(to: target.address)
        connected.whenFailure { ready.fail($0) }
        return connected.flatMap { channel in
            ready.futureResult.map { Connection(channel: channel, driver: $0) }
        }
    }
}
