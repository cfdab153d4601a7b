import NATSClient
import NIOCore
import Synchronization

/// Every message of a stream (or of one subject filter) in stream order, exactly once, as an
/// `AsyncSequence`, like nats.go's ordered consumer: an ephemeral push consumer with flow
/// control and idle heartbeats, no acks, memory storage and one replica, recreated from the
/// next stream sequence whenever a message may have been lost (see
/// ``OrderedConsumerStateMachine``).
///
/// Iterate it from one task and only once. Call ``stop()`` when done: it unsubscribes and
/// deletes the consumer (the server would drop it after its inactive threshold anyway).
public final class OrderedConsumer: AsyncSequence, Sendable {
    public typealias Element = JetStreamMessage
    public typealias Failure = any Error

    enum Event: Sendable {
        case message(serial: UInt64, NATSMessage)
        case idleCheck(serial: UInt64, mark: UInt64)
    }

    struct State {
        var machine: OrderedConsumerStateMachine
        var subscription: NATSHandlerSubscription?
        var consumerName: String?
        var isStopped = false
    }

    let js: JetStreamContext
    /// The stream read.
    public let stream: String
    /// Only messages on this subject, when set.
    public let filterSubject: String?
    /// The idle heartbeat asked of the server; two without anything received cause a reset.
    public let heartbeat: Duration
    let inactiveThreshold: Duration
    let clock: any Clock<Duration>
    let namePrefix = NUID.next()
    let state: Mutex<State>
    let events: AsyncStream<Event>
    let continuation: AsyncStream<Event>.Continuation

    init(js: JetStreamContext, stream: String, filterSubject: String?, deliverPolicy: DeliverPolicy,
         heartbeat: Duration, inactiveThreshold: Duration, clock: any Clock<Duration>) {
        self.js = js
        self.stream = stream
        self.filterSubject = filterSubject
        self.heartbeat = heartbeat
        self.inactiveThreshold = inactiveThreshold
        self.clock = clock
        self.state = Mutex(State(machine: OrderedConsumerStateMachine(deliverPolicy: deliverPolicy)))
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    deinit {
        continuation.finish()
        // Best effort when stop() was not called: a deinit cannot await the UNSUB.
        if let subscription = state.withLock({ $0.subscription }) {
            Task { try? await subscription.unsubscribe() }
        }
    }

    /// The current consumer's name (it changes on every reset).
    public var consumerName: String? { state.withLock { $0.consumerName } }
    /// How many times the consumer was recreated.
    public var resets: Int { state.withLock { $0.machine.resets } }
    /// The stream sequence of the last message handed out (0 before the first).
    public var lastStreamSequence: UInt64 { state.withLock { $0.machine.lastStreamSequence } }

    /// Ends the sequence, unsubscribes and deletes the current consumer.
    public func stop() async {
        let (subscription, name) = state.withLock { state in
            state.isStopped = true
            defer { state.subscription = nil; state.consumerName = nil }
            return (state.subscription, state.consumerName)
        }
        continuation.finish()
        try? await subscription?.unsubscribe()
        if let name { try? await js.deleteConsumer(stream: stream, name: name) }
    }

    /// Creates incarnation `serial`: a fresh inbox subscription, then the consumer delivering to it.
    func create(serial: UInt64, deliverPolicy: DeliverPolicy) async throws(JetStreamError) {
        let (oldSubscription, oldName) = state.withLock { state in
            defer { state.subscription = nil; state.consumerName = nil }
            return (state.subscription, state.consumerName)
        }
        try? await oldSubscription?.unsubscribe()
        if let oldName { try? await js.deleteConsumer(stream: stream, name: oldName) }

        let inbox = "_INBOX.\(NUID.next())"
        let continuation = self.continuation
        let subscription: NATSHandlerSubscription
        do {
            subscription = try await js.connection.subscribe(to: inbox) { message, _ in
                continuation.yield(.message(serial: serial, message))
            }
        } catch {
            throw JetStreamError(.apiError, "ordered consumer: cannot subscribe to its inbox: \(error)")
        }
        let name = "\(namePrefix)_\(serial)"
        state.withLock { $0.subscription = subscription; $0.consumerName = name }
        let config = ConsumerConfig(
            name: name, deliverPolicy: deliverPolicy, ackPolicy: .none, maxDeliver: 1,
            filterSubject: filterSubject, deliverSubject: inbox, flowControl: true,
            idleHeartbeat: heartbeat, inactiveThreshold: inactiveThreshold, replicas: 1, memoryStorage: true
        )
        _ = try await js.createConsumer(stream: stream, config: config)
        _ = state.withLock { $0.machine.consumerCreated(serial: serial) }
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(consumer: self, events: events.makeAsyncIterator())
    }

    /// Hands out deliveries in order; runs resets inline, so nothing runs in the background.
    public struct Iterator: AsyncIteratorProtocol {
        let consumer: OrderedConsumer
        var events: AsyncStream<Event>.Iterator

        public mutating func next() async throws -> JetStreamMessage? {
            while true {
                try Task.checkCancellation()
                guard let event = await nextEvent() else { return nil }
                if let message = try await handle(event) { return message }
            }
        }

        /// The next event, or an idle check after two heartbeat intervals without one.
        private mutating func nextEvent() async -> Event? {
            let (serial, mark, stopped) = consumer.state.withLock { ($0.machine.serial, $0.machine.activityMark, $0.isStopped) }
            if stopped { return nil }
            let continuation = consumer.continuation
            let clock = consumer.clock
            let idle = consumer.heartbeat * 2
            var events = self.events
            let event = await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { try await clock.sleep(for: idle) } catch { return }
                    continuation.yield(.idleCheck(serial: serial, mark: mark))
                }
                defer { group.cancelAll() }
                return await events.next(isolation: #isolation)
            }
            self.events = events
            return event
        }

        private func handle(_ event: Event) async throws -> JetStreamMessage? {
            let action: OrderedConsumerStateMachine.Action
            var delivery: JetStreamMessage?
            switch event {
            case .idleCheck(let serial, let mark):
                action = consumer.state.withLock { $0.machine.idleTimerFired(serial: serial, mark: mark) }
            case .message(let serial, let message):
                (action, delivery) = classify(message, serial: serial)
            }
            switch action {
            case .deliver:
                return delivery
            case .ignore:
                return nil
            case .respondToFlowControl(let subject):
                try? await consumer.js.connection.publish(ByteBuffer(), to: subject)
                return nil
            case .recreate(let serial, let policy, let delay, _):
                try await recreate(serial: serial, deliverPolicy: policy, delay: delay)
                return nil
            }
        }

        /// Feeds one received message (delivery or status) to the machine.
        private func classify(_ message: NATSMessage, serial: UInt64) -> (OrderedConsumerStateMachine.Action, JetStreamMessage?) {
            consumer.state.withLock { state in
                switch message.status {
                case 100?:
                    if let replyTo = message.replyTo {
                        return (state.machine.flowControlRequested(serial: serial, replyTo: replyTo), nil)
                    }
                    let last = message.headers?["Nats-Last-Consumer"].flatMap { UInt64($0) }
                    let stalled = message.headers?["Nats-Consumer-Stalled"]
                    return (state.machine.heartbeatReceived(serial: serial, lastConsumerSequence: last, stalledFlowControl: stalled), nil)
                case 409?:
                    return (state.machine.consumerDeleted(serial: serial), nil)
                case .some:
                    return (.ignore, nil)
                case nil:
                    guard let replyTo = message.replyTo,
                          let metadata = try? JetStreamMessageMetadata(ackSubject: replyTo)
                    else { return (state.machine.unreadableMessageReceived(serial: serial), nil) }
                    let action = state.machine.messageReceived(serial: serial, metadata: metadata)
                    let delivery = JetStreamMessage(
                        subject: message.subject, headers: message.headers, payload: message.payload, metadata: metadata
                    )
                    return (action, delivery)
                }
            }
        }

        /// Recreates the consumer, retrying with the machine's backoff; a missing stream or a
        /// closed connection ends the sequence with an error.
        private func recreate(serial: UInt64, deliverPolicy: DeliverPolicy, delay: Duration) async throws {
            var attempt: (serial: UInt64, policy: DeliverPolicy, delay: Duration)? = (serial, deliverPolicy, delay)
            while let (serial, policy, delay) = attempt {
                if delay > .zero { try await consumer.clock.sleep(for: delay) }
                if consumer.state.withLock({ $0.isStopped }) { return }
                do {
                    try await consumer.create(serial: serial, deliverPolicy: policy)
                    attempt = nil
                } catch let error where error.code == .streamNotFound || consumer.js.connection.isClosed {
                    throw error
                } catch {
                    switch consumer.state.withLock({ $0.machine.consumerCreationFailed(serial: serial) }) {
                    case .recreate(let serial, let policy, let delay, _): attempt = (serial, policy, delay)
                    default: attempt = nil
                    }
                }
            }
        }
    }
}

extension JetStreamContext {
    /// Starts an ordered consumer on `stream` (creating its first consumer now, so a missing
    /// stream fails here).
    /// - Parameters:
    ///   - stream: the stream to read.
    ///   - filterSubject: only this subject (wildcards allowed); nil for all.
    ///   - deliverPolicy: where to start, e.g. `.byStartSequence(snapshot + 1)`. Below the
    ///     stream's first sequence the server starts at the first: compare the first delivered
    ///     ``JetStreamMessage/streamSequence`` when a gap matters.
    ///   - heartbeat: the idle heartbeat; two intervals without traffic recreate the consumer.
    ///   - inactiveThreshold: how long the server keeps a consumer nobody listens to.
    ///   - clock: drives heartbeat checks and the recreation backoff.
    public func orderedConsumer(
        stream: String,
        filterSubject: String? = nil,
        deliverPolicy: DeliverPolicy = .all,
        heartbeat: Duration = .seconds(5),
        inactiveThreshold: Duration = .seconds(30),
        clock: any Clock<Duration> = ContinuousClock()
    ) async throws(JetStreamError) -> OrderedConsumer {
        try Self.validate(name: stream, what: "stream")
        guard heartbeat >= .milliseconds(100) else {
            throw JetStreamError(.invalidArgument, "ordered consumer heartbeat must be at least 100 ms")
        }
        let consumer = OrderedConsumer(
            js: self, stream: stream, filterSubject: filterSubject, deliverPolicy: deliverPolicy,
            heartbeat: heartbeat, inactiveThreshold: inactiveThreshold, clock: clock
        )
        do {
            try await consumer.create(serial: 1, deliverPolicy: deliverPolicy)
        } catch {
            await consumer.stop()
            throw error
        }
        return consumer
    }
}
