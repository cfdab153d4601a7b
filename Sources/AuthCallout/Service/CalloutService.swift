import Foundation
import Logging
import NATSClient
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Answers nats-server's authorization requests: subscribes to `$SYS.REQ.USER.AUTH` in a queue
/// group, decides requests concurrently (bounded), replies, and records every decision.
///
/// Each of ``Configuration/workers`` tasks owns its own subscription in the queue group and
/// decides the requests the server hands it in place. A request thus wakes one task, which
/// answers it; there is no hand-off from a reading task to a deciding task (each costs a thread
/// wake-up and a task). The server spreads requests over the members at random.
///
/// Survives nats-server restarts through the connection's reconnect and resubscribe: the
/// subscriptions keep delivering after the server is back.
public final class CalloutService: Service, Sendable {
    /// The subject nats-server publishes authorization requests on.
    public static let subject = "$SYS.REQ.USER.AUTH"
    /// The header that carries the server's xkey when the request is encrypted.
    public static let xkeyHeader = "Nats-Server-Xkey"

    public struct Configuration: Sendable {
        /// Replicas in the same queue group share the requests.
        public var queueGroup: String
        /// Requests received and not yet answered; beyond it requests are answered with an
        /// `overloaded` denial without a decision, so a connect burst cannot grow memory or
        /// latency without bound.
        public var maxInFlight: Int
        /// Decisions that run at once (one subscription and task each, at most `maxInFlight`).
        /// Decisions are mostly CPU, so a few more than the cores keep them all busy.
        public var workers: Int

        public init(queueGroup: String = "scim-callout", maxInFlight: Int = 256, workers: Int = 4) {
            self.queueGroup = queueGroup
            self.maxInFlight = max(1, maxInFlight)
            self.workers = min(max(1, workers), self.maxInFlight)
        }
    }

    private let connection: NATSConnection
    private let handler: AuthorizationHandler
    private let decisionLog: DecisionLog
    private let sessions: SessionRegistry?
    private let configuration: Configuration
    private let logger: Logger
    private let inFlight = NIOLockedValueBox(0)
    private let ready = NIOLockedValueBox(false)

    /// - Parameters:
    ///   - sessions: where allowed connections are remembered for live revocation (nil: don't).
    public init(connection: NATSConnection, handler: AuthorizationHandler, decisionLog: DecisionLog,
                sessions: SessionRegistry? = nil, configuration: Configuration = Configuration(), logger: Logger) {
        self.connection = connection
        self.handler = handler
        self.decisionLog = decisionLog
        self.sessions = sessions
        self.configuration = configuration
        self.logger = logger
    }

    /// True once the subscription is in place (for readiness checks and tests).
    public var isSubscribed: Bool { ready.withLockedValue { $0 } }

    /// Subscribes and serves until graceful shutdown or cancellation; decisions under way when
    /// it ends are finished and answered.
    public func run() async throws {
        var subscriptions: [NATSSubscription] = []
        do {
            for _ in 0..<configuration.workers {
                subscriptions.append(try await connection.subscribe(to: Self.subject, queue: configuration.queueGroup))
            }
            try await connection.flush()
        } catch {
            for subscription in subscriptions { try? await subscription.unsubscribe() }
            throw error
        }
        ready.withLockedValue { $0 = true }
        defer { ready.withLockedValue { $0 = false } }
        logger.info("auth callout subscribed", metadata: [
            "nats.subject": .string(Self.subject), "nats.queue": .string(configuration.queueGroup),
            "callout.workers": .stringConvertible(subscriptions.count),
        ])
        let all = subscriptions
        await withDiscardingTaskGroup { group in
            for subscription in all {
                group.addTask { await self.serve(subscription, all: all) }
            }
        }
        for subscription in subscriptions { try? await subscription.unsubscribe() }
    }

    /// One worker: decides and answers its subscription's requests one after the other.
    private func serve(_ subscription: NATSSubscription, all subscriptions: [NATSSubscription]) async {
        for await message in subscription.cancelOnGracefulShutdown() {
            guard let replyTo = message.replyTo else {
                logger.warning("authorization request without a reply subject ignored")
                continue
            }
            let receivedAt = Date()
            // In flight: requests being decided plus those delivered and waiting for a worker.
            let waiting = subscriptions.reduce(0) { $0 + $1.pendingMessages }
            let admitted = inFlight.withLockedValue { count -> Bool in
                guard count + waiting < configuration.maxInFlight else { return false }
                count += 1
                return true
            }
            let outcome = await handler.handle(payload: Array(message.payload.readableBytesView),
                                               serverXKey: message.headers?[Self.xkeyHeader],
                                               receivedAt: receivedAt, shed: !admitted)
            await finish(outcome, replyTo: replyTo)
            if admitted { inFlight.withLockedValue { $0 -= 1 } }
        }
    }

    private func finish(_ outcome: AuthorizationHandler.Outcome, replyTo: String) async {
        var record = outcome.record
        if let reply = outcome.reply {
            do {
                try await connection.publish(reply, to: replyTo)
            } catch {
                record.detail = [record.detail, "reply not sent: \(error)"].compactMap { $0 }.joined(separator: "; ")
            }
        }
        if let session = outcome.session { sessions?.add(session) }
        decisionLog.record(record)
    }
}
