import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension IdentityDatabase {
    /// Writes a compact copy of the whole store to the new file `path` with `VACUUM INTO`, then
    /// reads the copy's facts (applied sequence of `stream`, newest migration, row counts) from
    /// the copy itself. `VACUUM INTO` reads one consistent snapshot on a reader connection, so
    /// writes go on meanwhile and the sequence matches the rows exactly.
    /// - Throws: `IdentityStoreError` (`.invalidValue`) when `path` exists, or the SQLite error.
    public func writeSnapshot(toPath path: String, stream: String) async throws -> SnapshotFacts {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw IdentityStoreError(.invalidValue, "snapshot target \(path) already exists")
        }
        try await writer.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        return try Self.inspectSnapshot(atPath: path, stream: stream, checkingIntegrity: false)
    }

    /// Opens the snapshot file at `path` read-only and reports what it holds; with
    /// `checkingIntegrity` it also runs `PRAGMA integrity_check` (reads every page).
    /// - Throws: the SQLite error when the file is not a readable database.
    public static func inspectSnapshot(atPath path: String, stream: String, checkingIntegrity: Bool) throws -> SnapshotFacts {
        var configuration = configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = checkingIntegrity ? try String.fetchAll(db, sql: "PRAGMA integrity_check") : []
            let known = migrator.migrations
            let applied = try db.tableExists("grdb_migrations")
                ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            let appliedSet = Set(applied)
            let sequence: Int64 = try db.tableExists("replication_position")
                ? try Int64.fetchOne(db, sql: "SELECT sequence FROM replication_position WHERE stream = ?", arguments: [stream]) ?? 0
                : 0
            func count(_ table: String) throws -> Int {
                try db.tableExists(table) ? try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 : 0
            }
            return SnapshotFacts(
                appliedSequence: UInt64(max(0, sequence)),
                newestMigration: known.last(where: appliedSet.contains),
                unknownMigrations: applied.filter { !known.contains($0) }.sorted(),
                users: try count("users"), groups: try count("groups"), memberships: try count("group_members"),
                integrity: integrity)
        }
    }

    /// The newest migration this build knows: a snapshot must not be newer.
    public static var newestKnownMigration: String? { migrator.migrations.last }

    /// Moves the snapshot file `source` into place as the store at `path` with one `rename`
    /// (same directory, so a crash leaves either the old store or the new one). A store already
    /// at `path`, with its `-wal` and `-shm` files, is first moved to `backupPath` and never
    /// overwritten. The store at `path` must not be open. Check the file with
    /// ``inspectSnapshot(atPath:stream:checkingIntegrity:)`` first.
    /// - Throws: `IdentityStoreError` (`.invalidValue`) when `backupPath` is needed but exists,
    ///   or the file system's error.
    public static func installSnapshot(from source: String, at path: String, backupPath: String) throws {
        let files = FileManager.default
        try syncFile(atPath: source)
        if files.fileExists(atPath: path) {
            guard !files.fileExists(atPath: backupPath) else {
                throw IdentityStoreError(.invalidValue, "backup target \(backupPath) already exists")
            }
            try files.moveItem(atPath: path, toPath: backupPath)
            for suffix in ["-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
                try files.moveItem(atPath: path + suffix, toPath: backupPath + suffix)
            }
        } else {
            // Leftovers of a store that is gone would be read as this file's log.
            for suffix in ["-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
                try files.removeItem(atPath: path + suffix)
            }
        }
        guard rename(source, path) == 0 else {
            throw IdentityStoreError(.invalidValue, "cannot move \(source) to \(path): \(String(cString: strerror(errno)))")
        }
        try syncFile(atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }

    /// `fsync` of a file or directory, so a rename that follows is durable.
    private static func syncFile(atPath path: String) throws {
        // Qualified: inside IdentityDatabase, `open` is the store's own opener.
        #if canImport(Glibc)
        let descriptor = Glibc.open(path, O_RDONLY)
        #else
        let descriptor = Darwin.open(path, O_RDONLY)
        #endif
        guard descriptor >= 0 else {
            throw IdentityStoreError(.invalidValue, "cannot open \(path) to sync it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw IdentityStoreError(.invalidValue, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
