import Foundation
import IdentityStore
import JetStream
import Logging
import NIOCore

/// The replicated store's snapshots in the JetStream Object Store bucket `<stream>_SNAPSHOTS`:
/// take one (copy, upload, trim the change stream below it, keep the newest few), list them,
/// and restore one into a store file (download, verify, install atomically).
public struct SnapshotStore: Sendable {
    /// Where snapshots go and how many stay.
    public let settings: SnapshotSettings
    let js: JetStreamContext
    let bucket: ObjectStore
    let logger: Logger

    /// Opens the bucket, creating it (file storage, `settings.replicas`) when it does not exist,
    /// and returns once its stream answers: replicas started together race to create it, and
    /// the stream one of them has just created answers only once it has a leader.
    public static func open(
        js: JetStreamContext, settings: SnapshotSettings, logger: Logger, within limit: Duration = .seconds(30)
    ) async throws -> SnapshotStore {
        let bucket = try await js.objectStore(
            bucket: settings.bucket, creatingWith: "scim-callout snapshots of stream \(settings.stream)",
            storage: .file, replicas: settings.replicas, within: limit)
        return SnapshotStore(settings: settings, js: js, bucket: bucket, logger: logger)
    }

    /// Every snapshot in the bucket, oldest first. Objects that are not snapshots are ignored.
    public func list() async throws -> [SnapshotRecord] {
        try await bucket.list().compactMap { SnapshotRecord($0) }.sorted { $0.sequence < $1.sequence }
    }

    /// The snapshot with the highest sequence, if any.
    public func newest() async throws -> SnapshotRecord? { try await list().last }

    /// Takes a snapshot of `store` now: `VACUUM INTO` a temporary file in `temporaryDirectory`,
    /// upload it with its facts in the object headers, then purge the change stream up to and
    /// including its sequence and remove all but the newest `settings.keep` snapshots.
    /// - Returns: the uploaded snapshot.
    public func take(from store: IdentityDatabase, temporaryDirectory: URL) async throws -> SnapshotRecord {
        let path = temporaryDirectory.appendingPathComponent(".snapshot-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let facts = try await store.writeSnapshot(toPath: path, stream: settings.stream)
        let name = SnapshotRecord.objectName(sequence: facts.appliedSequence)
        let headers = SnapshotRecord.headers(
            sequence: facts.appliedSequence, migration: facts.newestMigration, users: facts.users,
            groups: facts.groups, memberships: facts.memberships, replica: settings.replica)
        let info = try await bucket.put(
            name: name, contentsOf: FileChunks(path: path, pieceSize: 1 << 20),
            description: "identity store at stream \(settings.stream) sequence \(facts.appliedSequence)",
            headers: headers, metadata: headers.compactMapValues { $0.first })
        let expected = try FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64
        guard let record = SnapshotRecord(info), expected == nil || expected == info.size else {
            throw SnapshotError(.mismatch, "snapshot \(name): uploaded \(info.size) bytes of \(expected ?? 0)")
        }
        logger.info("snapshot taken", metadata: [
            "snapshot.name": .string(name), "snapshot.sequence": .stringConvertible(record.sequence),
            "snapshot.bytes": .stringConvertible(record.size), "snapshot.users": .stringConvertible(record.users),
        ])
        try await trim(below: record)
        return record
    }

    /// Purges the change stream up to and including `record`'s sequence (the snapshot holds all
    /// of it; the tail after it stays), then removes all but the newest `settings.keep` snapshots.
    public func trim(below record: SnapshotRecord) async throws {
        if record.sequence > 0 {
            let purged = try await js.purgeStream(settings.stream, PurgeRequest(upToSequence: record.sequence + 1))
            logger.info("change stream trimmed below snapshot", metadata: [
                "stream": .string(settings.stream), "snapshot.sequence": .stringConvertible(record.sequence),
                "purged": .stringConvertible(purged),
            ])
        }
        let snapshots = try await list()
        for old in snapshots.dropLast(settings.keep) where old.sequence < record.sequence {
            try await bucket.remove(name: old.name)
        }
    }

    /// Downloads `record` into the new file `path` and checks it: the SHA-256 digest (while
    /// downloading), `PRAGMA integrity_check`, migrations this build knows, and that the file's
    /// own sequence and migration are the ones its headers name. The file is deleted when a
    /// check fails.
    /// - Throws: ``SnapshotError`` (`.corrupt`, `.incompatible`, `.mismatch`), or the transport's error.
    public func download(_ record: SnapshotRecord, to path: String) async throws -> SnapshotFacts {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SnapshotError(.corrupt, "cannot create \(path) for snapshot \(record.name)")
        }
        do {
            try await write(record, to: path)
            return try verify(record, at: path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            if let error = error as? JetStreamError, error.code == .digestMismatch {
                throw SnapshotError(.corrupt, "snapshot \(record.name): \(error.reason)")
            }
            throw error
        }
    }

    /// The object's bytes into the (empty) file at `path`, synced; the digest is checked by the
    /// Object Store after the last chunk.
    private func write(_ record: SnapshotRecord, to path: String) async throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try await bucket.get(name: record.name) { chunk in
            try handle.write(contentsOf: Data(chunk.readableBytesView))
        }
        try handle.synchronize()
    }

    /// The checks of ``download(_:to:)`` after the bytes are on disk.
    func verify(_ record: SnapshotRecord, at path: String) throws -> SnapshotFacts {
        let facts: SnapshotFacts
        do {
            facts = try IdentityDatabase.inspectSnapshot(atPath: path, stream: settings.stream, checkingIntegrity: true)
        } catch {
            throw SnapshotError(.corrupt, "snapshot \(record.name) is not a readable SQLite database: \(error)")
        }
        guard facts.isIntact else {
            throw SnapshotError(.corrupt, "snapshot \(record.name) fails integrity_check: \(facts.integrity.prefix(3).joined(separator: "; "))")
        }
        guard facts.unknownMigrations.isEmpty else {
            throw SnapshotError(.incompatible, """
                snapshot \(record.name) has migrations this build does not know (\(facts.unknownMigrations.joined(separator: ", "))): \
                upgrade this replica first
                """)
        }
        guard facts.appliedSequence == record.sequence, facts.newestMigration == record.migration else {
            throw SnapshotError(.mismatch, """
                snapshot \(record.name) says sequence \(record.sequence), migration \(record.migration ?? "none"); \
                the file holds sequence \(facts.appliedSequence), migration \(facts.newestMigration ?? "none")
                """)
        }
        return facts
    }

    /// Downloads and checks `record`, then installs it as the store file `storePath` (which
    /// must not be open): a temporary file next to it, renamed into place. An existing store is
    /// moved to `<storePath>.before-restore-<unix time>` (with its `-wal`/`-shm`), never overwritten.
    /// - Returns: the installed file's facts, and where the old store went (nil when there was none).
    public func restore(_ record: SnapshotRecord, at storePath: String) async throws -> (facts: SnapshotFacts, backup: String?) {
        let directory = (storePath as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.restore-\(UUID().uuidString).sqlite"
        let facts = try await download(record, to: temporary)
        let hadStore = FileManager.default.fileExists(atPath: storePath)
        let backup = "\(storePath).before-restore-\(Int(Date().timeIntervalSince1970))"
        do {
            try IdentityDatabase.installSnapshot(from: temporary, at: storePath, backupPath: backup)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        logger.notice("store restored from snapshot", metadata: [
            "snapshot.name": .string(record.name), "snapshot.sequence": .stringConvertible(record.sequence),
            "store.path": .string(storePath), "store.backup": .string(hadStore ? backup : "none"),
        ])
        return (facts, hadStore ? backup : nil)
    }
}
