import ArgumentParser
import Foundation
import IdentityStore
import JetStream
import Logging
import NATSClient
import Snapshots

/// `scim-callout snapshots`: the replicated store's snapshots in the `<stream>_SNAPSHOTS` bucket.
struct SnapshotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "Take, list or restore snapshots of the replicated store (replication.enabled).",
        discussion: """
            serve takes one every replication.snapshot_interval and trims the change stream below it; \
            a replica with no store restores the newest at start (docs/high-availability.md, Snapshots).
            """,
        subcommands: [Take.self, List.self, Restore.self]
    )

    /// The table every subcommand prints (and its JSON keys, lowercased).
    static let header = ["NAME", "SEQUENCE", "USERS", "GROUPS", "MEMBERSHIPS", "BYTES", "TAKEN", "REPLICA"]

    static func row(_ record: SnapshotRecord) -> [String] {
        [record.name, String(record.sequence), String(record.users), String(record.groups), String(record.memberships),
         String(record.size), record.takenAt.map(Table.time) ?? "-", record.replica ?? "-"]
    }

    /// Runs `body` with the snapshot bucket over a connection of its own (the `nats.*` settings).
    static func withSnapshots<T>(_ configuration: Configuration, _ body: (SnapshotStore) async throws -> T) async throws -> T {
        guard configuration.replication.enabled else {
            throw CLIError(.configuration, "replication is not enabled (replication.enabled): there are no snapshots")
        }
        let logger = Logger(label: "scim-callout.cli", factory: { _ in SwiftLogNoOpLogHandler() })
        let settings = try NATSClientSettings.service(configuration, keys: try ServiceKeys.load(configuration))
        let connection = try await connect(settings, logger: logger)
        do {
            let snapshots = try await ServiceRuntime.openSnapshots(configuration, connection: connection, logger: logger)
            let result = try await body(snapshots)
            await connection.close()
            return result
        } catch let error as SnapshotError {
            await connection.close()
            throw CLIError(error.code == .incompatible ? .dataError : .unavailable, error.reason)
        } catch {
            await connection.close()
            throw error
        }
    }

    private static func connect(_ settings: NATSConfiguration, logger: Logger) async throws -> NATSConnection {
        do {
            return try await NATSConnection.connect(settings, logger: logger)
        } catch {
            throw CLIError(.unavailable, "cannot connect to nats-server (nats.urls): \(error)")
        }
    }

    /// `scim-callout snapshots take`
    struct Take: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a snapshot now, trim the change stream below it, keep the newest replication.snapshot_keep.")

        @OptionGroup var options: ConfigOptions

        @Flag(help: "JSON instead of a table.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let configuration = try options.load()
                let database = try StoreAccess.open(configuration)
                let folder = URL(fileURLWithPath: configuration.store.path).deletingLastPathComponent()
                let record = try await SnapshotsCommand.withSnapshots(configuration) { snapshots in
                    try await snapshots.take(from: database, temporaryDirectory: folder)
                }
                Table.print(header: SnapshotsCommand.header, rows: [SnapshotsCommand.row(record)], json: json)
            }
        }
    }

    /// `scim-callout snapshots list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the snapshots in the bucket, oldest first.")

        @OptionGroup var options: ConfigOptions

        @Flag(help: "JSON lines instead of a table.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let records = try await SnapshotsCommand.withSnapshots(try options.load()) { try await $0.list() }
                Table.print(header: SnapshotsCommand.header, rows: records.map(SnapshotsCommand.row), json: json)
            }
        }
    }

    /// `scim-callout snapshots restore`
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the store by the newest snapshot (stop serve first); the old store is moved aside.",
            discussion: """
                The snapshot is verified (SHA-256, integrity_check, migrations) before anything moves; \
                the old store becomes <store.path>.before-restore-<unix time>. serve then applies the \
                stream from the snapshot's sequence + 1.
                """)

        @OptionGroup var options: ConfigOptions

        @Flag(help: "JSON instead of a table.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let configuration = try options.load()
                let path = configuration.store.path
                let record = try await SnapshotsCommand.withSnapshots(configuration) { snapshots in
                    guard let newest = try await snapshots.newest() else {
                        throw CLIError(.notFound, "no snapshot in bucket \(snapshots.settings.bucket)")
                    }
                    let restored = try await snapshots.restore(newest, at: path)
                    if let backup = restored.backup, !json {
                        print("previous store moved to \(DisplayText.escaped(backup))")
                    }
                    return newest
                }
                Table.print(header: SnapshotsCommand.header, rows: [SnapshotsCommand.row(record)], json: json)
            }
        }
    }
}
