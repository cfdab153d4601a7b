import Foundation
import IdentityStore
import JetStream
import Logging
import NATSClient
import Snapshots

extension ServiceRuntime {
    /// The snapshot settings of `replication.*`.
    static func snapshotSettings(_ configuration: Configuration) -> SnapshotSettings {
        let replication = configuration.replication
        return SnapshotSettings(stream: replication.stream, replica: replication.replicaID,
                                keep: replication.snapshotKeep, replicas: replication.replicas)
    }

    /// Runs ``SnapshotBootstrap`` on its own short-lived connection before the store opens.
    /// - Throws: `CLIError` (`.unavailable`) when the replica must not serve: no snapshot covers
    ///   the gap, the store is ahead of the stream, or the snapshot fails its checks.
    static func bootstrapFromSnapshot(_ configuration: Configuration, keys: ServiceKeys, logger: Logger) async throws {
        var settings = try NATSClientSettings.service(configuration, keys: keys)
        settings.name = configuration.nats.name + "-bootstrap"
        let connection = try await bootstrapConnection(settings, logger: logger)
        do {
            let snapshots = try await SnapshotStore.open(
                js: JetStreamContext(connection: connection), settings: snapshotSettings(configuration), logger: logger)
            let next = try await SnapshotBootstrap.prepare(storePath: configuration.store.path, snapshots: snapshots)
            logger.info("replication bootstrap done", metadata: ["replication.from": .stringConvertible(next)])
        } catch let error as SnapshotError {
            await connection.close()
            throw CLIError(.unavailable, "replication bootstrap refused: \(error.reason)")
        } catch {
            await connection.close()
            throw CLIError(.unavailable, "replication bootstrap failed (snapshot bucket \(configuration.replication.stream)_SNAPSHOTS): \(error)")
        }
        await connection.close()
    }

    /// The scheduled snapshots over replication's connection.
    static func snapshotScheduler(
        _ configuration: Configuration, store: ReplicatedIdentityStore, connection: NATSConnection, logger: Logger
    ) async throws -> SnapshotScheduler {
        let snapshots = try await openSnapshots(configuration, connection: connection, logger: logger)
        let folder = URL(fileURLWithPath: configuration.store.path).deletingLastPathComponent()
        return SnapshotScheduler(snapshots: snapshots, database: store.database, isApplying: { store.health.isApplying },
                                 interval: configuration.replication.snapshotInterval, temporaryDirectory: folder, logger: logger)
    }

    /// The snapshot bucket over `connection`, created when missing.
    static func openSnapshots(_ configuration: Configuration, connection: NATSConnection, logger: Logger) async throws -> SnapshotStore {
        do {
            return try await SnapshotStore.open(
                js: JetStreamContext(connection: connection), settings: snapshotSettings(configuration), logger: logger)
        } catch {
            throw CLIError(.unavailable, "cannot open the snapshot bucket \(configuration.replication.stream)_SNAPSHOTS: \(error)")
        }
    }

    private static func bootstrapConnection(_ settings: NATSConfiguration, logger: Logger) async throws -> NATSConnection {
        do {
            return try await NATSConnection.connect(settings, logger: logger)
        } catch {
            throw CLIError(.unavailable, "cannot connect to nats-server for the replication bootstrap: \(error)")
        }
    }
}
