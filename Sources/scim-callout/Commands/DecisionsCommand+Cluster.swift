import AuthCallout
import Foundation
import IdentityStore
import JetStream
import Logging
import NATSClient
import NIOCore
import NIOPosix

extension DecisionsCommand {
    /// `--follow --cluster`: every replica's decisions as they are published; with `--since`,
    /// first those `replication.decisions_stream` still holds from that far back.
    func followCluster(_ configuration: Configuration) async throws {
        let replication = configuration.replication
        let since = self.since.flatMap { DurationText.parse($0.lowercased()) }.map {
            Date().addingTimeInterval(-TimeInterval($0.components.seconds))
        }
        if since != nil, replication.decisionsStream == nil {
            throw CLIError(.usage, "--since with --cluster replays replication.decisions_stream, which is not set; "
                           + "without --since, --cluster prints decisions from now on")
        }
        var settings = try NATSClientSettings.service(configuration, serviceUser: try ServiceKeys.serviceUser(configuration))
        settings.name = configuration.nats.name + "-follow"
        let connection: NATSConnection
        do {
            connection = try await NATSConnection.connect(settings, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                          logger: Logger(label: "decisions", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            throw CLIError(.unavailable, "cannot connect to nats-server at \(configuration.nats.urls.joined(separator: ", ")) "
                           + "as \(settings.authentication): \(error)")
        }
        let filter = DecisionFilter(userName: user, result: result.flatMap(DecisionRecord.Result.init(rawValue:)),
                                    reason: reason.flatMap(DecisionReason.init(rawValue:)), since: since)
        do {
            try await printPublished(from: connection, replication, filter)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// Replays the stream when `filter` starts in the past, else subscribes; returns only when
    /// the subscription ends (the connection closed).
    private func printPublished(from connection: NATSConnection, _ replication: Configuration.Replication,
                                _ filter: DecisionFilter) async throws {
        if filter.since != nil, let stream = replication.decisionsStream {
            let consumer: OrderedConsumer
            do {
                consumer = try await JetStreamContext(connection: connection)
                    .orderedConsumer(stream: stream, filterSubject: replication.decisionsWildcard, deliverPolicy: .all)
            } catch {
                throw CLIError(.unavailable, "cannot read stream \(stream) (replication.decisions_stream): \(error)")
            }
            for try await message in consumer { show(message.payload, subject: message.subject, filter) }
            return
        }
        let subscription: NATSSubscription
        do {
            subscription = try await connection.subscribe(to: replication.decisionsWildcard)
            try await connection.flush()
        } catch {
            throw CLIError(.unavailable, "cannot subscribe to \(replication.decisionsWildcard): \(error)")
        }
        for await message in subscription { show(message.payload, subject: message.subject, filter) }
    }

    /// Prints one published record if it passes the filters; a message that is not one is
    /// reported on stderr (by subject, never its bytes) and skipped.
    private func show(_ payload: ByteBuffer, subject: String, _ filter: DecisionFilter) {
        let decision: PublishedDecision
        do {
            decision = try PublishedDecision(json: payload.readableBytesView)
        } catch {
            printWarning("skipped a message on \(DisplayText.cell(subject, limit: Table.cellLimit)): \(error)")
            return
        }
        guard filter.matches(decision.record) else { return }
        emit([decision], header: false)
    }
}
