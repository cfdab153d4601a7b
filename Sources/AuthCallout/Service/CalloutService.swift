import Foundation
import Logging
import NATSClient
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Answers nats-server's authorization requests: subscribes to `$SYS.REQ.USER.AUTH` in a queue
/// group, decides each request concurrently (bounded), replies, and records every decision.
///
/// Survives nats-server restarts through the connection's reconnect and resubscribe: the
/// subscription keeps delivering after the server is back.
public final class CalloutService: Service, Sendable {
    /// The subject nats-server publishes authorization requests on.
    public static let subject = "$SYS.REQ.USER.AUTH"
    /// The header that carries the server's xkey when the request is encrypted.
    public static let xkeyHeader = "Nats-Server-Xkey"

    public struct Configuration: Sendable {
        /// Replicas in the same queue group share the requests.
        public var queueGroup: String
        /// Decisions in flight at once; more are answered at once with an `overloaded` denial,
        /// so a connect burst cannot grow memory or latency without bound.
        public var maxInFlight: Int

        public init(queueGroup: String = "scim-callout", maxInFlight: Int = 256) {
            self.queueGroup = queueGroup
            self.maxInFlight = max(1, maxInFlight)
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

    /// Subscribes and serves until graceful shutdown or cancellation.
    public func run() async throws {
        let subscription = try await connection.subscribe(to: Self.subject, queue: configuration.queueGroup)
        try await connection.flush()
        ready.withLockedValue { $0 = true }
        defer { ready.withLockedValue { $0 = false } }
        logger.info("auth callout subscribed", metadata: [
            "nats.subject": .string(Self.subject), "nats.queue": .string(configuration.queueGroup),
        ])
        await withDiscardingTaskGroup { group in
            for await message in subscription.cancelOnGracefulShutdown() {
                guard let replyTo = message.replyTo else {
                    logger.warning("authorization request without a reply subject ignored")
                    continue
                }
                let payload = Array(message.payload.readableBytesView)
                let serverXKey = message.headers?[Self.xkeyHeader]
                let receivedAt = Date()
                let admitted = inFlight.withLockedValue { count -> Bool in
                    guard count < configuration.maxInFlight else { return false }
                    count += 1
                    return true
                }
                group.addTask {
                    defer { if admitted { self.inFlight.withLockedValue { $0 -= 1 } } }
                    let outcome = await self.handler.handle(payload: payload, serverXKey: serverXKey,
                                                            receivedAt: receivedAt, shed: !admitted)
                    await self.finish(outcome, replyTo: replyTo)
                }
            }
        }
        try? await subscription.unsubscribe()
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
