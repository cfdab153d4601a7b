import Foundation
import Logging
import IdentityStore
import Metrics
import NATSClient
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Answers nats-server's authorization requests: subscribes to `$SYS.REQ.USER.AUTH` in a queue
/// group, decides each request, replies, and records every decision.
///
/// A request that needs no argon2id check (nkey, token, cached password, and every denial that
/// needs no decoy check) is decided and answered on the NATS event loop as it is read: no task
/// or thread switch between the socket read and the reply write, which is most of what a
/// decision would otherwise cost beyond its signatures. The rest wait for their check in child
/// tasks, bounded by `maxInFlight` and, per user name and per source, by the
/// ``PasswordThrottle``: a check it refuses is a `throttled` denial that takes no place.
///
/// With several connections, each subscribes in the queue group, so nats-server spreads the
/// requests over their event loops (one per core decides in parallel without handing work over).
///
/// Survives nats-server restarts through the connections' reconnect and resubscribe: the
/// subscriptions keep delivering after the server is back.
///
/// With replication, a ``ReplicaCurrencyMonitor`` decides whether this replica may answer: the
/// service subscribes only while it is current, unsubscribes (leaves the queue group) when it is
/// not, and denies what it still holds then with `replica_stale`.
public final class CalloutService: Service, Sendable {
    /// The subject nats-server publishes authorization requests on.
    public static let subject = "$SYS.REQ.USER.AUTH"
    /// The header that carries the server's xkey when the request is encrypted.
    public static let xkeyHeader = "Nats-Server-Xkey"

    public struct Configuration: Sendable {
        /// Replicas in the same queue group share the requests.
        public var queueGroup: String
        /// Decisions waiting (for an argon2id check) at once; another one that would have to wait
        /// is answered at once with an `overloaded` denial, so a connect burst cannot grow memory
        /// or latency without bound. Decisions that need no wait are never shed.
        public var maxInFlight: Int
        /// The per-user and per-source limits on argon2id checks (nil: none, only `maxInFlight`).
        public var throttle: PasswordThrottle.Settings?

        public init(queueGroup: String = "scim-callout", maxInFlight: Int = 256,
                    throttle: PasswordThrottle.Settings? = PasswordThrottle.Settings()) {
            self.queueGroup = queueGroup
            self.maxInFlight = max(1, maxInFlight)
            self.throttle = throttle
        }
    }

    /// A decision handed from the event loop to a task, with where its answer goes.
    private struct Waiting: Sendable {
        var decision: AuthorizationHandler.WaitingDecision
        var replyTo: String
        var connection: NATSConnection
        var ticket: PasswordThrottle.Ticket?
    }

    private let connections: [NATSConnection]
    private let handler: AuthorizationHandler
    private let decisionLog: DecisionLog
    private let sessions: SessionRegistry?
    private let currency: ReplicaCurrencyMonitor?
    private let configuration: Configuration
    private let logger: Logger
    private let admission: NIOLockedValueBox<Admission>
    private let ready = NIOLockedValueBox(false)
    private let now: @Sendable () -> ContinuousClock.Instant
    /// `scim_callout_throttled_total{scope}`, by ``PasswordThrottle/Scope``.
    private let throttled: [PasswordThrottle.Scope: Counter]

    /// - Parameters:
    ///   - connections: where requests are received and answered (at least one; each answers
    ///     the requests it received).
    ///   - sessions: where allowed connections are remembered for live revocation (nil: don't).
    ///   - currency: with replication, when this replica may answer (nil: always).
    ///   - now: the clock the throttle's buckets and blocks run on (inject one in tests).
    ///   - metricsFactory: where `scim_callout_throttled_total` goes.
    public init(connections: [NATSConnection], handler: AuthorizationHandler, decisionLog: DecisionLog,
                sessions: SessionRegistry? = nil, currency: ReplicaCurrencyMonitor? = nil,
                configuration: Configuration = Configuration(), logger: Logger,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        precondition(!connections.isEmpty, "CalloutService needs a connection")
        self.connections = connections
        self.handler = handler
        self.decisionLog = decisionLog
        self.sessions = sessions
        self.currency = currency
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.admission = NIOLockedValueBox(Admission(throttle: configuration.throttle.map { PasswordThrottle(settings: $0) }))
        self.throttled = Dictionary(uniqueKeysWithValues: PasswordThrottle.Scope.allCases.map { scope in
            (scope, Counter(label: "scim_callout_throttled_total", dimensions: [("scope", scope.rawValue)], factory: metricsFactory))
        })
    }

    /// One connection receiving and answering the requests.
    public convenience init(connection: NATSConnection, handler: AuthorizationHandler, decisionLog: DecisionLog,
                            sessions: SessionRegistry? = nil, currency: ReplicaCurrencyMonitor? = nil,
                            configuration: Configuration = Configuration(), logger: Logger,
                            metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.init(connections: [connection], handler: handler, decisionLog: decisionLog, sessions: sessions, currency: currency,
                  configuration: configuration, logger: logger, metricsFactory: metricsFactory)
    }

    /// True once the subscriptions are in place (for readiness checks and tests).
    public var isSubscribed: Bool { ready.withLockedValue { $0 } }

    /// Subscribes and serves until graceful shutdown, cancellation or the connection's end; then
    /// stops taking requests and finishes the decisions still waiting.
    public func run() async throws {
        // Unbounded on purpose: at most `maxInFlight` are ever in it (the rest are shed).
        let (waiting, waitingContinuation) = AsyncStream.makeStream(of: Waiting.self)
        if let currency {
            try await runGated(by: currency, waiting: waiting, waitingContinuation: waitingContinuation)
            return
        }
        var subscribed: [NATSHandlerSubscription] = []
        do {
            for connection in connections {
                subscribed.append(try await connection.subscribe(to: Self.subject, queue: configuration.queueGroup) { message, readAt in
                    self.received(message, readAt: readAt, on: connection, waiting: waitingContinuation)
                })
                try await connection.flush()
            }
        } catch {
            // All or nothing: a service whose run() failed must not keep answering on the
            // connections that did subscribe.
            for subscription in subscribed { try? await subscription.unsubscribe() }
            waitingContinuation.finish()
            // A decision that started waiting meanwhile is answered and logged, not dropped.
            for await item in waiting {
                release(item, .undecided)
                finish(handler.abandon(item.decision, reason: .overloaded, detail: "the callout is shutting down"),
                       replyTo: item.replyTo, on: item.connection)
            }
            throw error
        }
        let subscriptions = subscribed
        ready.withLockedValue { $0 = true }
        defer { ready.withLockedValue { $0 = false } }
        logger.info("auth callout subscribed", metadata: [
            "nats.subject": .string(Self.subject), "nats.queue": .string(configuration.queueGroup),
            "callout.connections": .stringConvertible(connections.count),
        ])
        await withDiscardingTaskGroup { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { race in
                    race.addTask { try? await gracefulShutdown() }
                    // A connection that ended for good ends the service (ServiceGroup decides what next).
                    for subscription in subscriptions { race.addTask { await subscription.waitUntilEnded() } }
                    await race.next()
                    race.cancelAll()
                    // Also ends the other waits, which do not react to cancellation.
                    for subscription in subscriptions { try? await subscription.unsubscribe() }
                }
                waitingContinuation.finish()
            }
            for await item in waiting {
                group.addTask { await self.decide(item) }
            }
        }
    }

    /// Replication: subscribed only while the replica is current (see ``ReplicaCurrencyMonitor``).
    private func runGated(by currency: ReplicaCurrencyMonitor, waiting: AsyncStream<Waiting>,
                          waitingContinuation: AsyncStream<Waiting>.Continuation) async throws {
        let failure = NIOLockedValueBox<(any Error)?>(nil)
        await withDiscardingTaskGroup { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { race in
                    race.addTask { try? await gracefulShutdown() }
                    race.addTask {
                        do {
                            try await self.followMembership(of: currency, waiting: waitingContinuation)
                        } catch {
                            failure.withLockedValue { $0 = error }
                        }
                    }
                    await race.next()
                    race.cancelAll()
                }
                waitingContinuation.finish()
            }
            for await item in waiting {
                group.addTask { await self.decide(item) }
            }
        }
        if let error = failure.withLockedValue({ $0 }) { throw error }
    }

    /// Subscribes when the monitor says join, unsubscribes when it says leave, until cancelled
    /// (then unsubscribes) or a subscription fails (thrown: the service ends, as when the first
    /// subscription fails without replication).
    private func followMembership(of currency: ReplicaCurrencyMonitor,
                                  waiting: AsyncStream<Waiting>.Continuation) async throws {
        var subscriptions: [NATSHandlerSubscription] = []
        func leave() async {
            ready.withLockedValue { $0 = false }
            for subscription in subscriptions { try? await subscription.unsubscribe() }
            subscriptions = []
        }
        do {
            for await join in currency.membership() {
                if join, subscriptions.isEmpty {
                    for connection in connections {
                        subscriptions.append(try await connection.subscribe(to: Self.subject, queue: configuration.queueGroup) { message, readAt in
                            self.received(message, readAt: readAt, on: connection, waiting: waiting)
                        })
                        try await connection.flush()
                    }
                    ready.withLockedValue { $0 = true }
                    logger.info("auth callout subscribed", metadata: [
                        "nats.subject": .string(Self.subject), "nats.queue": .string(configuration.queueGroup),
                        "callout.connections": .stringConvertible(connections.count),
                    ])
                } else if !join, !subscriptions.isEmpty {
                    await leave()
                    logger.info("auth callout unsubscribed: replica not current", metadata: [
                        "nats.subject": .string(Self.subject), "nats.queue": .string(configuration.queueGroup),
                    ])
                }
            }
        } catch {
            await leave()
            throw error
        }
        await leave()
    }

    /// Runs a waiting decision's check and answers; a replica that stopped being current
    /// meanwhile denies instead of answering from state it can no longer vouch for.
    private func decide(_ item: Waiting) async {
        let outcome = await handler.resume(item.decision)
        release(item, outcome.checked ?? .undecided)
        if let currency, !currency.isCurrent {
            finish(handler.abandon(item.decision, reason: .replicaStale, detail: Self.staleDetail),
                   replyTo: item.replyTo, on: item.connection)
            return
        }
        finish(outcome, replyTo: item.replyTo, on: item.connection)
    }

    static let staleDetail = "this replica could not prove it is current with the replication stream"

    /// One request, on the event loop: answered here, or handed to a task when it has to wait.
    private func received(_ message: NATSMessage, readAt: NIODeadline, on connection: NATSConnection,
                          waiting: AsyncStream<Waiting>.Continuation) {
        guard let replyTo = message.replyTo else {
            logger.warning("authorization request without a reply subject ignored")
            return
        }
        let payload = Array(message.payload.readableBytesView)
        let serverXKey = message.headers?[Self.xkeyHeader]
        // Dated back to the socket read: requests read together wait for each other, and that
        // wait belongs to their latency and their budget.
        let queued = Double((NIODeadline.now() - readAt).nanoseconds) / 1e9
        let receivedAt = Date(timeIntervalSinceNow: -max(0, queued))
        // NIODeadline and DispatchTime read the same monotonic clock: the store answers as of
        // the read, so the requests read together share one freshness check.
        let arrival = DispatchTime(uptimeNanoseconds: readAt.uptimeNanoseconds)
        // Not current: still answered (signed), so the server need not wait for its timeout.
        let refusal = currency.flatMap { $0.isCurrent ? nil : (DecisionReason.replicaStale, Self.staleDetail) }
        switch handler.start(payload: payload, serverXKey: serverXKey, receivedAt: receivedAt, arrival: arrival,
                             refusal: refusal) {
        case let .answered(outcome):
            finish(outcome, replyTo: replyTo, on: connection)
        case let .awaitingPasswordCheck(decision):
            // Only decisions that wait take a place: one answered here holds nothing afterwards,
            // so a backlog of argon2id checks never sheds an nkey, token or cached-password connect.
            // The throttle first, so a refused attacker takes neither a place nor a token.
            let key = decision.throttleKey, time = now(), limit = configuration.maxInFlight
            let ticket: PasswordThrottle.Ticket?
            switch admission.withLockedValue({ $0.admit(key, maxInFlight: limit, now: time) }) {
            case let .admitted(admitted):
                ticket = admitted
            case let .throttled(scope, retryAfter):
                throttled[scope]?.increment()
                finish(handler.throttle(decision, scope: scope, retryAfter: retryAfter), replyTo: replyTo, on: connection)
                return
            case .overloaded:
                finish(handler.abandon(decision, reason: .overloaded, detail: "too many decisions in flight"),
                       replyTo: replyTo, on: connection)
                return
            }
            let item = Waiting(decision: decision, replyTo: replyTo, connection: connection, ticket: ticket)
            if case .terminated = waiting.yield(item) {
                // Raced with shutdown: answer now rather than leave the connect hanging.
                release(item, .undecided)
                finish(handler.abandon(decision, reason: .overloaded, detail: "the callout is shutting down"), replyTo: replyTo, on: connection)
            }
        }
    }

    /// Gives back the place (and the throttle ticket) a waiting decision held.
    private func release(_ item: Waiting, _ outcome: PasswordThrottle.Outcome) {
        let time = now()
        admission.withLockedValue { $0.finish(item.ticket, outcome, now: time) }
    }

    /// Sends the answer (without waiting: the event loop may be the caller) and records it.
    private func finish(_ outcome: AuthorizationHandler.Outcome, replyTo: String, on connection: NATSConnection) {
        var record = outcome.record
        if let reply = outcome.reply {
            do {
                try connection.publishWithoutWaiting(ByteBuffer(bytes: reply), to: replyTo)
            } catch {
                record.detail = [record.detail, "reply not sent: \(error)"].compactMap { $0 }.joined(separator: "; ")
            }
        }
        if let session = outcome.session { sessions?.add(session) }
        decisionLog.record(record)
    }
}
