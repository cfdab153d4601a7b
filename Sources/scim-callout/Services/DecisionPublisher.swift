import AuthCallout
import IdentityStore
import JetStream
import Logging
import Metrics
import NATSClient
import NIOCore
import ServiceLifecycle
import Synchronization

/// Publishes every decision record of this replica on `<prefix>.decisions.<replica>` (see
/// ``PublishedDecision`` for the JSON), and keeps `replication.decisions_stream` capturing them.
///
/// The decision log hands it its batches off the decision path; a batch goes out as one message
/// per record, queued on its own connection (not a callout one) and written together. Delivery
/// is at most once: while the connection is down, records beyond the reconnect buffer are
/// dropped and counted, never retried (the local table still has each one).
final class DecisionPublisher: DecisionFeed, Service {
    let connection: NATSConnection
    let subject: String
    let replica: String
    /// The stream to create or update at start; nil: the plain subject only.
    let stream: StreamConfig?
    private let logger: Logger
    private let published: Counter
    private let dropped: Counter
    /// Whether the last batch had failures: the warning is logged once per outage, not per batch.
    private let failing = Mutex(false)

    init(connection: NATSConnection, replication: Configuration.Replication, decisions: Configuration.Decisions,
         logger: Logger, metricsFactory: any MetricsFactory) {
        self.connection = connection
        self.subject = replication.decisionSubject
        self.replica = replication.replicaName
        self.stream = replication.decisionsStream.map { name in
            StreamConfig(name: name, description: "scim-callout decision records of every replica",
                         subjects: [replication.decisionsWildcard], storage: .file, replicas: replication.replicas,
                         maxMessages: Int64(decisions.maxRows), maxAge: decisions.retention, discard: .old)
        }
        self.logger = logger
        self.published = Counter(label: "scim_callout_decisions_published_total", dimensions: [], factory: metricsFactory)
        self.dropped = Counter(label: "scim_callout_decisions_publish_dropped_total", dimensions: [], factory: metricsFactory)
    }

    func publish(_ records: [DecisionRecord]) async {
        var failures = 0
        var lastError: (any Error)?
        for record in records {
            let payload = ByteBuffer(bytes: PublishedDecision(record: record, replica: replica).json)
            do {
                try await connection.publish(payload, to: subject)
            } catch {
                failures += 1
                lastError = error
            }
        }
        if failures < records.count { published.increment(by: records.count - failures) }
        if failures > 0 { dropped.increment(by: failures) }
        let wasFailing = failing.withLock { state in
            defer { state = failures > 0 }
            return state
        }
        if let lastError, !wasFailing {
            logger.warning("decision records not published", metadata: [
                "subject": .string(subject), "decision.count": "\(failures)", "error": "\(lastError)",
            ])
        } else if failures == 0, wasFailing {
            logger.notice("decision records published again", metadata: ["subject": .string(subject)])
        }
    }

    /// Creates or updates the decisions stream (retrying while JetStream cannot be reached), then
    /// waits for shutdown. The subject is published either way: a stream that cannot be made
    /// costs only its copy of the records.
    func run() async throws {
        if let stream {
            await cancelWhenGracefulShutdown { await self.ensure(stream) }
        }
        try? await gracefulShutdown()
    }

    private func ensure(_ config: StreamConfig) async {
        let js = JetStreamContext(connection: connection)
        var wait = Duration.seconds(1)
        while !Task.isCancelled {
            do {
                do {
                    _ = try await js.createStream(config)
                } catch where error.code == .streamNameInUse {
                    _ = try await js.updateStream(config)
                }
                logger.info("decisions stream ready", metadata: [
                    "stream": .string(config.name), "subjects": .string(config.subjects.joined(separator: ",")),
                ])
                return
            } catch {
                logger.warning("decisions stream not created; retrying", metadata: [
                    "stream": .string(config.name), "error": "\(error)", "retry_in": "\(wait)",
                ])
            }
            do { try await Task.sleep(for: wait) } catch { return }
            wait = min(wait * 2, .seconds(30))
        }
    }
}
