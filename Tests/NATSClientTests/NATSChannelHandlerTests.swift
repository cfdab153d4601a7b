import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing
@testable import NATSClient

/// The handler on an `EmbeddedChannel`, with the test playing the server.
final class HandlerHarness {
    struct Recorded {
        var delivered: [MessageFrame] = []
        var closed: [NATSClientError?] = []
        var infos: [ServerInfo] = []
        var serverErrors: [ServerErrorMessage] = []
        var connectOptions: [ConnectOptions] = []
    }

    let channel = EmbeddedChannel()
    let loop: EmbeddedEventLoop
    let connected: EventLoopPromise<ServerInfo>
    let recorded = NIOLockedValueBox(Recorded())
    private let connectOutcome = NIOLockedValueBox<Result<ServerInfo, any Error>?>(nil)
    var connectResult: Result<ServerInfo, any Error>? { connectOutcome.withLockedValue { $0 } }

    init(pingInterval: TimeAmount = .seconds(10), maxPingsOutstanding: Int = 2, connectTimeout: TimeAmount = .seconds(5)) throws {
        loop = channel.embeddedEventLoop
        connected = loop.makePromise()
        let recorded = self.recorded
        let callbacks = NATSChannelCallbacks(
            makeConnectOptions: { info in
                var options = ConnectOptions()
                options.headers = info.headers == true
                options.noResponders = info.headers == true
                recorded.withLockedValue { $0.connectOptions.append(options) }
                return options
            },
            deliver: { frame, _ in recorded.withLockedValue { $0.delivered.append(frame) } },
            infoUpdated: { info in recorded.withLockedValue { $0.infos.append(info) } },
            serverError: { error in recorded.withLockedValue { $0.serverErrors.append(error) } },
            closed: { error in recorded.withLockedValue { $0.closed.append(error) } }
        )
        let handler = NATSChannelHandler(
            tlsMode: .disabled, tls: nil, pingInterval: pingInterval, maxPingsOutstanding: maxPingsOutstanding,
            connectTimeout: connectTimeout, callbacks: callbacks, connectPromise: connected,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try channel.pipeline.syncOperations.addHandler(handler)
        let outcome = connectOutcome
        connected.futureResult.whenComplete { result in outcome.withLockedValue { $0 = result } }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4222)).wait()
    }

    func serverSends(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// Everything the client wrote since the last call, as text.
    func clientWrote() throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    func handshake() throws {
        try serverSends("INFO {\"server_id\":\"N1\",\"headers\":true,\"max_payload\":64}\r\n")
        let wrote = try clientWrote()
        #expect(wrote.hasPrefix("CONNECT {") && wrote.hasSuffix("}\r\nPING\r\n"))
        try serverSends("PONG\r\n")
        #expect(connectResult.map { (try? $0.get())?.serverID } == "N1")
    }
}

struct NATSChannelHandlerTests {
    @Test func handshakeSendsConnectWithHeadersThenSucceedsOnPong() throws {
        let harness = try HandlerHarness()
        try harness.handshake()
        let options = harness.recorded.withLockedValue { $0.connectOptions }
        #expect(options.count == 1 && options[0].headers && options[0].noResponders)
    }

    @Test func answersPingAndDeliversMessages() throws {
        let harness = try HandlerHarness()
        try harness.handshake()
        try harness.serverSends("PING\r\nMSG a 1 2\r\nhi\r\nHMSG b 2 12 12\r\nNATS/1.0\r\n\r\n\r\n")
        #expect(try harness.clientWrote() == "PONG\r\n")
        let delivered = harness.recorded.withLockedValue { $0.delivered }
        #expect(delivered.map(\.subject) == ["a", "b"])
        #expect(delivered.last?.headers?.isEmpty == true)
    }

    @Test func flushCompletesOnTheMatchingPong() throws {
        let harness = try HandlerHarness()
        try harness.handshake()
        let first = harness.loop.makePromise(of: Void.self)
        let second = harness.loop.makePromise(of: Void.self)
        harness.channel.writeAndFlush(NATSOutbound.flush, promise: first)
        harness.channel.writeAndFlush(NATSOutbound.flush, promise: second)
        #expect(try harness.clientWrote() == "PING\r\nPING\r\n")
        let done = NIOLockedValueBox<[Int]>([])
        first.futureResult.whenSuccess { done.withLockedValue { $0.append(1) } }
        second.futureResult.whenSuccess { done.withLockedValue { $0.append(2) } }
        try harness.serverSends("PONG\r\n")
        #expect(done.withLockedValue { $0 } == [1])
        try harness.serverSends("PONG\r\n")
        #expect(done.withLockedValue { $0 } == [1, 2])
    }

    @Test func keepAlivePingsAndDropsAStaleConnection() throws {
        let harness = try HandlerHarness(pingInterval: .seconds(10), maxPingsOutstanding: 2)
        try harness.handshake()
        harness.loop.advanceTime(by: .seconds(10))
        #expect(try harness.clientWrote() == "PING\r\n")
        try harness.serverSends("PONG\r\n")
        harness.loop.advanceTime(by: .seconds(10))
        harness.loop.advanceTime(by: .seconds(10))
        #expect(try harness.clientWrote() == "PING\r\nPING\r\n")
        #expect(harness.channel.isActive)
        harness.loop.advanceTime(by: .seconds(10))
        #expect(!harness.channel.isActive)
        let closed = harness.recorded.withLockedValue { $0.closed }
        #expect(closed.count == 1 && closed.first??.code == .staleConnection)
    }

    @Test func connectTimeoutClosesAHandshakeThatNeverFinishes() throws {
        let harness = try HandlerHarness(connectTimeout: .seconds(3))
        try harness.serverSends("INFO {\"server_id\":\"N1\"}\r\n")
        harness.loop.advanceTime(by: .seconds(3))
        #expect(!harness.channel.isActive)
        guard case .failure(let error as NATSClientError) = harness.connectResult else {
            Issue.record("connect should fail, got \(String(describing: harness.connectResult))")
            return
        }
        #expect(error.code == .connectTimeout)
    }

    @Test func authorizationViolationFailsTheConnect() throws {
        let harness = try HandlerHarness()
        try harness.serverSends("INFO {\"server_id\":\"N1\"}\r\n")
        _ = try harness.clientWrote()
        try harness.serverSends("-ERR 'Authorization Violation'\r\n")
        #expect(!harness.channel.isActive)
        guard case .failure(let error as NATSClientError) = harness.connectResult else {
            Issue.record("connect should fail")
            return
        }
        #expect(error.code == .authenticationFailed)
    }

    @Test func aMalformedFrameClosesWithATypedErrorAndPayloadLimitsFollowInfo() throws {
        let harness = try HandlerHarness()
        try harness.handshake()
        // INFO said max_payload 64: a 65-byte MSG is a protocol violation.
        try harness.serverSends("MSG a 1 65\r\n")
        #expect(!harness.channel.isActive)
        let closed = harness.recorded.withLockedValue { $0.closed }
        #expect(closed.first??.code == .connectionFailed)
        #expect(closed.first??.reason.contains("payloadTooLarge") == true)
    }

    @Test func writesBeforeTheHandshakeFail() throws {
        let harness = try HandlerHarness()
        let promise = harness.loop.makePromise(of: Void.self)
        harness.channel.writeAndFlush(NATSOutbound.operation(.ping), promise: promise)
        #expect(throws: NATSClientError.self) { try promise.futureResult.wait() }
    }
}
