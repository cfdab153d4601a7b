import Logging
import NIOCore
import NIOEmbedded
import Testing
@testable import NATSClient

/// The whole connection without sockets: every channel it opens is a `NIOAsyncTestingChannel`
/// and the test plays the server byte by byte (postgres-nio / valkey style).
final class FakeServer: Sendable {
    let loop = NIOAsyncTestingEventLoop()
    let channels: AsyncStream<NIOAsyncTestingChannel>
    private let continuation: AsyncStream<NIOAsyncTestingChannel>.Continuation

    init() {
        (channels, continuation) = AsyncStream.makeStream()
    }

    var factory: NATSConnection.ChannelFactory {
        let loop = self.loop
        let continuation = self.continuation
        return { _, _, initialize in
            let channel = NIOAsyncTestingChannel(loop: loop)
            try await loop.flatSubmit { initialize(channel) }.get()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4222)).get()
            continuation.yield(channel)
            return channel
        }
    }

    func connection(_ configure: (inout NATSConfiguration) -> Void = { _ in }) throws -> NATSConnection {
        var configuration = NATSConfiguration(servers: ["nats://127.0.0.1:4222"])
        configuration.reconnect.baseWait = .milliseconds(1)
        configuration.reconnect.maxWait = .milliseconds(1)
        configuration.reconnect.jitter = .zero
        configure(&configuration)
        return try NATSConnection(
            configuration: configuration, eventLoopGroup: loop, clock: ContinuousClock(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), channelFactory: factory
        )
    }

    /// A connection through its first handshake: the connection, the channel it settled on, and
    /// the channels it opens later (its reconnects).
    func connected() async throws -> (NATSConnection, NIOAsyncTestingChannel, AsyncStream<NIOAsyncTestingChannel>.Iterator) {
        let connection = try self.connection()
        var channels = self.channels.makeAsyncIterator()
        async let connecting: Void = connection.connectInitially()
        let channel = try #require(await channels.next())
        try await channel.acceptHandshake()
        try await connecting
        return (connection, channel, channels)
    }
}
