import Foundation
import GRDB
import Logging

/// The SQLite identity store: users, groups, memberships, tokens and the change sequence.
///
/// Wraps `any DatabaseWriter` (a WAL `DatabasePool` for files, an in-memory `DatabaseQueue`
/// for tests) and migrates in `init`. Writes run in `BEGIN IMMEDIATE` transactions (GRDB's
/// `write` opens IMMEDIATE transactions for writers: `Database.inTransaction` defaults to
/// `.immediate` unless read-only); resource writes that arrive together share one transaction,
/// each in its own savepoint (group commit, see `WriteCoalescer`). File databases use
/// `synchronous=FULL`, so an acknowledged write survives `kill -9` and power loss.
public final class IdentityDatabase: Sendable {
    let writer: any DatabaseWriter
    let coalescer: WriteCoalescer
    let logger: Logger
    let now: @Sendable () -> Date
    /// The auth lookups' own read-only connections (file stores only).
    let authReaders: AuthReaders?

    /// Wraps `writer` and applies pending migrations.
    /// - Parameters:
    ///   - writer: the database connection(s).
    ///   - logger: where store events go (never secrets).
    ///   - now: the wall clock, injectable for tests.
    public convenience init(
        _ writer: any DatabaseWriter,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try self.init(writer, logger: logger, now: now, authReaders: nil)
    }

    /// - Parameter authReaders: opens the auth lookups' own connections, after the migrations.
    init(_ writer: any DatabaseWriter, logger: Logger, now: @escaping @Sendable () -> Date, authReaders: (() throws -> AuthReaders)?) throws {
        self.writer = writer
        self.coalescer = WriteCoalescer(writer: writer)
        self.logger = logger
        self.now = now
        try Self.migrator.migrate(writer)
        // After the migrations: these connections never see a schema change.
        self.authReaders = try authReaders?()
    }

    /// How commits reach the disk (`store.durability`).
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous=FULL`: the WAL is synced on every commit; an acknowledged write survives
        /// `kill -9` and power loss.
        case full
        /// `synchronous=NORMAL`: survives process crashes (`kill -9`) but may lose the last
        /// commits on power loss; faster on slow disks.
        case normal
    }

    /// Opens (creating if needed) the database file at `path` in WAL mode, with the auth
    /// lookups' own reader connections whatever the durability: the one way to open a file store.
    /// - Parameter durability: `.full` (default) syncs every commit.
    public static func open(path: String, logger: Logger, durability: Durability = .full) throws -> IdentityDatabase {
        var poolConfiguration = configuration()
        poolConfiguration.maximumReaderCount = readerCount
        let pool = try DatabasePool(path: path, configuration: poolConfiguration)
        // GRDB sets `synchronous=NORMAL` when it switches the pool to WAL (after
        // `prepareDatabase`). Durable commits need FULL on the one writer connection, which the
        // pool keeps for its lifetime.
        let level = durability == .full ? "FULL" : "NORMAL"
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(level)") }
        logger.info("identity store opened", metadata: ["store.path": .string(path), "store.durability": .string(durability.rawValue)])
        return try IdentityDatabase(pool, logger: logger, now: { Date() },
                                    authReaders: { try AuthReaders(path: path, count: readerCount) })
    }

    /// A fresh in-memory database (tests, tools).
    public static func inMemory(logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) throws
        -> IdentityDatabase
    {
        try IdentityDatabase(DatabaseQueue(configuration: configuration()), logger: logger, now: now)
    }

    /// Reader connections of a file pool: one per cooperative thread (the auth read runs
    /// synchronously on the calling thread, see `IdentityDatabase+Auth.swift`) plus four for SCIM
    /// reads, so a decision waits for a reader only while another short read finishes.
    static var readerCount: Int {
        max(5, ProcessInfo.processInfo.activeProcessorCount + 4)
    }

    /// The connection configuration: foreign keys on, a busy timeout for
    /// the (rare) second process such as the CLI writing while the server runs.
    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        return config
    }

    /// The current time as stored (seconds since 1970, millisecond resolution).
    var timestamp: Double {
        (now().timeIntervalSince1970 * 1000).rounded() / 1000
    }

    /// Records one change and returns its sequence number.
    static func recordChange(
        _ db: Database, at: Double, type: ResourceKind, id: String, operation: ChangeOperation
    ) throws -> Int64 {
        // Cached statements: membership deltas run this once per affected user.
        try db.cachedStatement(sql: "INSERT INTO changes (at, resource_type, resource_id, operation) VALUES (?, ?, ?, ?)")
            .execute(arguments: [at, type.rawValue, id, operation.rawValue])
        return db.lastInsertedRowID
    }

    /// Runs `body` in a write transaction, its SQLite constraint failures turned into typed store
    /// errors (``mapConstraint(_:)``).
    func constrainedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await coalescer.write(body)
        } catch {
            throw Self.mapConstraint(error)
        }
    }

    /// Maps SQLite constraint failures to typed store errors.
    static func mapConstraint(_ error: any Error) -> any Error {
        guard let dbError = error as? DatabaseError,
              dbError.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
                || dbError.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        else { return error }
        let message = dbError.message ?? ""
        if message.contains("user_name_key") {
            return IdentityStoreError(.uniqueness, "userName is already taken")
        }
        if message.contains("display_name_key") {
            return IdentityStoreError(.uniqueness, "a group with this displayName already exists")
        }
        if message.contains("public_key") {
            return IdentityStoreError(.uniqueness, "an nkey is already assigned to another user")
        }
        if message.contains("users.id") || message.contains("groups.id") {
            return IdentityStoreError(.uniqueness, "a resource with this id already exists")
        }
        return IdentityStoreError(.uniqueness, "a unique attribute is already taken")
    }
}

extension IdentityDatabase {
    /// The journal mode and `synchronous` level of the writer connection (diagnostics, tests).
    public func connectionPragmas() async throws -> (journalMode: String, synchronous: Int) {
        try await writer.write { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            let sync = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            return (mode, sync)
        }
    }
}
