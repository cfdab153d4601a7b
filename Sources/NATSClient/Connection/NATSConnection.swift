import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// A connection to a NATS server (or cluster) that reconnects by itself.
///
/// ```swift
/// let nats = try await NATSConnection.connect(configuration, logger: logger)
/// let subscription = try await nats.subscribe(to: "greet.*", queue: "workers")
/// try await nats.publish(ByteBuffer(string: "hi"), to: "greet.joe")
/// for await message in subscription { … }
/// ```
///
/// It is also a swift-service-lifecycle `Service`: `run()` returns after a graceful shutdown
/// has drained the connection.
public final class NATSConnection: Sendable {
    /// Connection events for logs and metrics; iterate from one task. Bounded: when nobody reads,
    /// the oldest are dropped. The stream ends when the connection closes.
    public let events: AsyncStream<NATSConnectionEvent>

    let configuration: NATSConfiguration
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let clock: any Clock<Duration>
    let tlsContext: NIOSSLContext?
    /// Opens a channel and runs `initialize` on it; nil dials TCP. Tests inject channels on which
    /// they play the server.
    let channelFactory: ChannelFactory?
    /// Held only to feed an event to the machine; the actions it returns run after, except the
    /// two writes whose order against concurrent publishes matters (see `adopt` and `request`).
    let state: NIOLockedValueBox<State>
    let eventContinuation: AsyncStream<NATSConnectionEvent>.Continuation
    let closedPromise: EventLoopPromise<Void>

    typealias ChannelFactory = @Sendable (
        _ address: ServerAddress, _ eventLoop: any EventLoop,
        _ initialize: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) async throws -> any Channel

    /// Everything behind the one lock: the pure state machine, plus the reconnect task so
    /// `close()` can cancel its wait.
    struct State {
        var machine: ClientStateMachine<PublishOutbox>
        var reconnectTask: Task<Void, Never>?
    }

    init(
        configuration: NATSConfiguration,
        eventLoopGroup: any EventLoopGroup,
        clock: any Clock<Duration>,
        logger: Logger,
        channelFactory: ChannelFactory? = nil
    ) throws {
        try configuration.validate()
        self.channelFactory = channelFactory
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.clock = clock
        self.logger = logger
        switch configuration.tls {
        case .disable:
            let anyTLSURL = configuration.servers.contains { (try? ServerAddress(parsing: $0))?.wantsTLS == true }
            self.tlsContext = anyTLSURL ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        case .require(let tls), .handshakeFirst(let tls):
            self.tlsContext = try NIOSSLContext(configuration: tls)
        }
        let addresses = try configuration.servers.map(ServerAddress.init(parsing:))
        self.state = NIOLockedValueBox(State(machine: ClientStateMachine(
            servers: addresses, configuration: configuration,
            inboxBase: "\(configuration.inboxPrefix).\(Self.randomToken())"
        )))
        (self.events, self.eventContinuation) = AsyncStream.makeStream(
            of: NATSConnectionEvent.self, bufferingPolicy: .bufferingNewest(1024)
        )
        self.closedPromise = eventLoopGroup.any().makePromise(of: Void.self)
    }

    /// Connects to the first configured server that accepts us (each is tried once, in order).
    /// - Parameters:
    ///   - configuration: servers, authentication, TLS, timers and limits.
    ///   - eventLoopGroup: where the channel runs; the shared singleton by default.
    ///   - clock: drives request timeouts and reconnect waits (inject a test clock to avoid sleeping).
    ///   - logger: receives debug/trace logs; never secrets.
    /// - Throws: ``NATSClientError`` when no server could be connected and authenticated.
    public static func connect(
        _ configuration: NATSConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger
    ) async throws -> NATSConnection {
        let connection = try NATSConnection(
            configuration: configuration, eventLoopGroup: eventLoopGroup, clock: clock, logger: logger
        )
        try await connection.connectInitially()
        return connection
    }

    deinit {
        // Dropped without close(): don't leave a pinging socket behind on the event loop.
        let (outbox, task, closed) = state.withLockedValue {
            ($0.machine.transport, $0.reconnectTask, $0.machine.status == .closed)
        }
        task?.cancel()
        outbox?.channel.close(promise: nil)
        eventContinuation.finish()
        // Only when close() never ran (it fulfils the promise): NIO would report an unfulfilled
        // promise, and completing it again could land on a loop its owner has shut down since.
        if !closed { closedPromise.succeed() }
    }

    /// The `INFO` of the server we are connected to (nil while reconnecting).
    public var serverInfo: ServerInfo? {
        state.withLockedValue { $0.machine.status == .connected ? $0.machine.serverInfo : nil }
    }

    /// Whether the connection is currently established.
    public var isConnected: Bool {
        state.withLockedValue { $0.machine.isConnected }
    }

    /// Whether `close()` or `drain()` finished, or reconnecting gave up.
    public var isClosed: Bool {
        state.withLockedValue { $0.machine.status == .closed }
    }

    // MARK: - Publishing

    /// Publishes a message. Returns once it is handed to the network layer (at-most-once
    /// delivery); call ``flush()`` to know the server has processed it. While reconnecting,
    /// messages are buffered up to `reconnect.bufferSize` bytes.
    /// - Throws: ``NATSClientError`` for an invalid subject or header, a payload above the server's
    ///   `max_payload`, headers the server does not support, a full reconnect buffer, or a closed connection.
    public func publish(
        _ payload: ByteBuffer, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil
    ) async throws {
        let (outbox, operation) = try prepare(payload, to: subject, replyTo: replyTo, headers: headers)
        guard let outbox else { return }
        // Wait for the write only when the socket pushes back, so a fast publisher cannot fill memory.
        guard !outbox.channel.isWritable else {
            outbox.enqueue(operation, written: nil)
            return
        }
        let written = outbox.channel.eventLoop.makePromise(of: Void.self)
        outbox.enqueue(operation, written: written)
        try await written.futureResult.get()
    }

    /// Publishes without waiting, for callers that cannot suspend (a ``MessageHandler`` on the
    /// event loop): the message is queued for the next write even when the socket pushes back.
    /// Use it only where something else bounds the rate (replies to received requests).
    /// - Throws: as ``publish(_:to:replyTo:headers:)``.
    public func publishWithoutWaiting(
        _ payload: ByteBuffer, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil
    ) throws {
        let (outbox, operation) = try prepare(payload, to: subject, replyTo: replyTo, headers: headers)
        outbox?.enqueue(operation, written: nil)
    }

    /// Validates a publish and finds where it goes: the outbox of the current channel, or nil
    /// when it was buffered for the reconnect.
    private func prepare(
        _ payload: ByteBuffer, to subject: String, replyTo: String?, headers: NATSHeaders?
    ) throws -> (PublishOutbox?, ClientOperation) {
        try ClientOperationEncoder.validate(subject: subject, what: "subject")
        if let replyTo { try ClientOperationEncoder.validate(subject: replyTo, what: "reply subject") }
        try headers?.validateForSending()
        let size = payload.readableBytes + (headers?.encodedLength ?? 0)
        let operation = ClientOperation.publish(subject: subject, replyTo: replyTo, headers: headers, payload: payload)
        let action = try state.withLockedValue { state in
            try state.machine.publish(operation, size: size, hasHeaders: headers != nil)
        }
        switch action {
        case .write(let outbox): return (outbox, operation)
        case .buffered: return (nil, operation)
        }
    }

    /// Publishes a byte array; see ``publish(_:to:replyTo:headers:)``.
    public func publish(
        _ bytes: some Sequence<UInt8>, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil
    ) async throws {
        try await publish(ByteBuffer(bytes: bytes), to: subject, replyTo: replyTo, headers: headers)
    }

    /// Waits until the server has processed everything sent so far (a `PING`/`PONG` round trip).
    public func flush() async throws {
        let outbox = try state.withLockedValue { state in try state.machine.flushRequested() }
        try await outbox.channel.writeAndFlush(NATSOutbound.flush).get()
    }

    // MARK: - Subscribing

    /// Subscribes to `subject` (wildcards allowed). With a `queue`, the server delivers each
    /// message to only one member of the queue group.
    public func subscribe(to subject: String, queue: String? = nil) async throws -> NATSSubscription {
        try ClientOperationEncoder.validate(subject: subject, what: "subject")
        if let queue { try ClientOperationEncoder.validate(subject: queue, what: "queue group") }
        let (stream, continuation) = AsyncStream.makeStream(of: NATSMessage.self)
        let pending = PendingCounter()
        let (sid, action) = try state.withLockedValue { state in
            try state.machine.subscribe(to: subject, queue: queue, sink: .stream(continuation, pending))
        }
        continuation.onTermination = { [weak self] _ in self?.subscriptionTerminated(sid: sid) }
        try await run(action)
        return NATSSubscription(subject: subject, queue: queue, sid: sid, stream: stream, pending: pending, connection: self)
    }

    /// Called on the connection's event loop with each message and the time its bytes were read
    /// from the socket.
    public typealias MessageHandler = @Sendable (_ message: NATSMessage, _ readAt: NIODeadline) -> Void

    /// Subscribes with a handler that the event loop calls for every message as soon as it is
    /// decoded, in order: no task switch and no buffer in between.
    ///
    /// For handlers that finish quickly and never wait (they hold up every other read on the
    /// connection while they run); hand anything slow to a task. There are no pending limits: the
    /// connection reads no more while the handler runs, which is the back-pressure.
    public func subscribe(to subject: String, queue: String? = nil,
                          onMessage handler: @escaping MessageHandler) async throws -> NATSHandlerSubscription {
        try ClientOperationEncoder.validate(subject: subject, what: "subject")
        if let queue { try ClientOperationEncoder.validate(subject: queue, what: "queue group") }
        let ended = eventLoopGroup.any().makePromise(of: Void.self)
        let registered = state.withLockedValue { state in
            Result { () throws(NATSClientError) in
                try state.machine.subscribe(to: subject, queue: queue, sink: .handler(handler, ended: ended))
            }
        }
        let sid: UInt64
        let action: ClientStateMachine<PublishOutbox>.SubscribeAction
        switch registered {
        case .success(let found): (sid, action) = found
        case .failure(let error):
            ended.succeed()  // never leave a promise unfulfilled
            throw error
        }
        try await run(action)
        return NATSHandlerSubscription(subject: subject, queue: queue, sid: sid, ended: ended.futureResult, connection: self)
    }

    /// Writes a new subscription's `SUB` when the machine says so (while reconnecting, the
    /// resubscription after the reconnect sends it).
    private func run(_ action: ClientStateMachine<PublishOutbox>.SubscribeAction) async throws {
        switch action {
        case .write(let operation, let outbox):
            try await outbox.channel.writeAndFlush(NATSOutbound.operation(operation)).get()
        case .deferred:
            break
        }
    }

    func unsubscribe(sid: UInt64, after max: Int?) async throws {
        let action = try state.withLockedValue { state in
            try state.machine.unsubscribe(sid: sid, after: max)
        }
        action.finish?.finish()
        if let (operation, outbox) = action.write {
            try await outbox.channel.writeAndFlush(NATSOutbound.operation(operation)).get()
        }
    }

    /// The consumer stopped iterating (or the stream was finished): forget the subscription.
    private func subscriptionTerminated(sid: UInt64) {
        guard let (operation, outbox) = state.withLockedValue({ $0.machine.subscriptionTerminated(sid: sid) }) else {
            return
        }
        outbox.channel.writeAndFlush(NATSOutbound.operation(operation), promise: nil)
    }

    // MARK: - Request/reply

    /// Sends a request and waits for the first reply, using one shared wildcard inbox
    /// subscription for all requests of this connection.
    /// - Throws: ``NATSClientError`` `.noResponders` when the server reports that nobody listens
    ///   on `subject`, `.requestTimeout` when no reply arrives within `timeout`.
    public func request(
        _ payload: ByteBuffer, to subject: String, headers: NATSHeaders? = nil, timeout: Duration = .seconds(5)
    ) async throws -> NATSMessage {
        let promise = eventLoopGroup.any().makePromise(of: NATSMessage.self)
        let (token, replyTo) = try state.withLockedValue { state in
            let started = try state.machine.requestStarted(to: subject, timeout: timeout, reply: promise)
            // Queued before the lock is released, so a concurrent request cannot publish before
            // the inbox exists (queueing only enqueues a task on the event loop).
            if let (subscribe, outbox) = started.subscribeInbox {
                outbox.channel.enqueueWrite(.operation(subscribe))
            }
            return (started.token, started.replyTo)
        }
        let timeoutTask = Task { [weak self, clock] in
            do { try await clock.sleep(for: timeout) } catch { return }
            guard let (reply, error) = self?.state.withLockedValue({ $0.machine.requestTimedOut(token: token) }) else {
                return
            }
            reply.fail(error)
        }
        defer { timeoutTask.cancel() }
        do {
            try await publish(payload, to: subject, replyTo: replyTo, headers: headers)
        } catch {
            abandonRequest(token: token, with: error)
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            self.abandonRequest(token: token, with: CancellationError())
        }
    }

    private func abandonRequest(token: String, with error: any Error) {
        state.withLockedValue { $0.machine.requestAbandoned(token: token) }?.fail(error)
    }

    // MARK: - Closing

    /// Unsubscribes everything, lets the server deliver what it already routed to us, flushes
    /// pending publishes, then closes. Subscriptions end after their buffered messages.
    public func drain() async throws {
        switch state.withLockedValue({ $0.machine.drainRequested() }) {
        case .unsubscribeAndFlush(let unsubscribes, let outbox):
            try? await outbox.channel.writeAndFlush(NATSOutbound.operations(unsubscribes)).get()
            // After this PONG the server has processed the UNSUBs and sent every message routed before them.
            try? await outbox.channel.writeAndFlush(NATSOutbound.flush).get()
        case .finishDrain:
            break
        }
        for sink in state.withLockedValue({ $0.machine.drainFlushed() }) { sink.finish() }
        await close()
    }

    /// Closes the connection now: subscriptions end, pending requests fail, reconnecting stops.
    public func close() async {
        await shutDown(reason: nil)
    }

    func emit(_ event: NATSConnectionEvent) {
        eventContinuation.yield(event)
    }

    static func randomToken() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<22).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

extension NATSConnection: Service {
    /// Runs until a graceful shutdown (then drains) or until the connection closes by itself
    /// (then throws the reason, if there is one).
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await gracefulShutdown()
                    try await self.drain()
                } catch {
                    await self.close()
                }
            }
            group.addTask {
                try? await self.closedPromise.futureResult.get()
            }
            await group.next()
            // Whichever finished first, the connection is closing; make sure it is closed.
            await self.close()
            group.cancelAll()
        }
        if let reason = state.withLockedValue({ $0.machine.closeReason }) { throw reason }
    }
}

extension NATSHeaders {
    /// The size of the header block on the wire.
    var encodedLength: Int {
        var length = Self.versionLine.count + 4
        if let statusCode { length += 1 + String(statusCode).utf8.count }
        if let statusDescription { length += 1 + statusDescription.utf8.count }
        for field in fields { length += field.name.utf8.count + 2 + field.value.utf8.count + 2 }
        return length
    }
}

extension Channel {
    /// Queues a write on the event loop without running it inline, so it is safe under our lock
    /// (an inline write that fails could close the channel and re-enter the connection's lock)
    /// and keeps its place before writes issued after the lock is released.
    func enqueueWrite(_ outbound: NATSOutbound) {
        eventLoop.execute { self.writeAndFlush(outbound, promise: nil) }
    }
}
