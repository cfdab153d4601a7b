import Foundation
import GRDB
import GRDBSQLite
import JSON

/// The `decisions` table: every decision record, kept within a retention limit, queryable by
/// user, result, reason and time, and followable (new rows by rowid).
///
/// It has its own migrator (`callout-v1-decisions`) and by default its own SQLite file, so the
/// write load of decisions never contends with SCIM writes to the identity store.
public final class DecisionStore: DecisionSink, Sendable {
    /// How much history to keep.
    public struct Retention: Sendable, Equatable {
        public var maxRows: Int
        public var maxAge: Duration

        public init(maxRows: Int = 1_000_000, maxAge: Duration = .seconds(30 * 86_400)) {
            self.maxRows = max(1, maxRows)
            self.maxAge = maxAge
        }
    }

    let writer: any DatabaseWriter
    public let retention: Retention
    let now: @Sendable () -> Date

    /// Wraps `writer` and creates the table if needed.
    public init(_ writer: any DatabaseWriter, retention: Retention = Retention(), now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.writer = writer
        self.retention = retention
        self.now = now
        try Self.migrator.migrate(writer)
    }

    /// Opens (creating) the decisions database at `path` (WAL).
    public static func open(path: String, retention: Retention = Retention()) throws -> DecisionStore {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DecisionStore(DatabasePool(path: path, configuration: configuration), retention: retention)
    }

    /// An in-memory table (tests, tools).
    public static func inMemory(retention: Retention = Retention(), now: @escaping @Sendable () -> Date = { Date() }) throws -> DecisionStore {
        try DecisionStore(DatabaseQueue(), retention: retention, now: now)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("callout-v1-decisions") { db in
            try db.execute(sql: """
                CREATE TABLE decisions (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL,
                    time REAL NOT NULL,
                    result TEXT NOT NULL CHECK (result IN ('allow', 'deny', 'revoke')),
                    reason TEXT NOT NULL,
                    user_name TEXT,
                    user_id TEXT,
                    auth_method TEXT NOT NULL,
                    granted_by TEXT NOT NULL DEFAULT '[]',
                    account TEXT,
                    client_host TEXT,
                    client_id INTEGER,
                    client_name TEXT,
                    client_lang TEXT,
                    client_version TEXT,
                    server_id TEXT,
                    server_name TEXT,
                    latency_us INTEGER NOT NULL,
                    jwt_id TEXT,
                    jwt_expires REAL,
                    sessions_cut INTEGER,
                    detail TEXT
                );
                CREATE INDEX decisions_time ON decisions(time);
                CREATE INDEX decisions_user_time ON decisions(user_name, time);
                """)
        }
        migrator.registerMigration("callout-v2-queue-time") { db in
            try db.execute(sql: "ALTER TABLE decisions ADD COLUMN queue_us INTEGER")
        }
        // Token logins: which issuer, subject and key proved who it was (never the token).
        migrator.registerMigration("callout-v3-token-login") { db in
            try db.execute(sql: """
                ALTER TABLE decisions ADD COLUMN token_issuer TEXT;
                ALTER TABLE decisions ADD COLUMN token_subject TEXT;
                ALTER TABLE decisions ADD COLUMN token_kid TEXT;
                """)
        }
        return migrator
    }

    // MARK: Writing

    /// `granted_by` as a JSON array of strings, written by hand (one per stored row: a
    /// `JSONEncoder` per row cost more than the insert).
    /// The append binds the same text straight from the row's buffer (`RowBinding.bindJSONStringArray`).
    static func jsonStringArray(_ strings: [String]) -> String {
        var json = JSONWriter(dialect: .minimal, capacity: 64)
        json.stringArray(strings)
        return String(decoding: json.finished(), as: UTF8.self)
    }

    /// Inserts a batch in one transaction, then trims to the retention limit.
    public func append(_ records: [DecisionRecord]) async throws {
        guard !records.isEmpty else { return }
        let cutoff = now().addingTimeInterval(-retention.maxAge.timeInterval).timeIntervalSince1970
        let maxRows = retention.maxRows
        try await writer.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO decisions (id, time, result, reason, user_name, user_id, auth_method, granted_by, account,
                    client_host, client_id, client_name, client_lang, client_version, server_id, server_name,
                    latency_us, jwt_id, jwt_expires, sessions_cut, detail, queue_us, token_issuer, token_subject, token_kid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // Bound through the C API: GRDB's `StatementArguments` from 21 existentials per row
            // cost more than SQLite's insert itself (half of an append in a profile).
            var row = RowBinding(statement.sqliteStatement)
            for record in records {
                row.bind(record.id)
                row.bind(record.time.timeIntervalSince1970)
                row.bind(record.result.rawValue)
                row.bind(record.reason.rawValue)
                row.bind(record.userName)
                row.bind(record.userID)
                row.bind(record.authMethod.rawValue)
                row.bindJSONStringArray(record.grantedBy)
                row.bind(record.account)
                row.bind(record.clientHost)
                row.bind(record.clientID.map { Int64(bitPattern: $0) })
                row.bind(record.clientName)
                row.bind(record.clientLang)
                row.bind(record.clientVersion)
                row.bind(record.serverID)
                row.bind(record.serverName)
                row.bind(record.latencyMicroseconds)
                row.bind(record.jwtID)
                row.bind(record.jwtExpires?.timeIntervalSince1970)
                row.bind(record.sessionsCut.map(Int64.init))
                row.bind(record.detail)
                row.bind(record.queueMicroseconds)
                row.bind(record.tokenIssuer)
                row.bind(record.tokenSubject)
                row.bind(record.tokenKeyID)
                try row.execute(in: db)
            }
            // Prepared once per connection, like the insert, instead of parsed again for every batch.
            try db.cachedStatement(sql: "DELETE FROM decisions WHERE time < ?").execute(arguments: [cutoff])
            try db.cachedStatement(sql: """
                DELETE FROM decisions WHERE seq <= (SELECT MAX(seq) FROM decisions) - ?
                """).execute(arguments: [maxRows])
        }
    }

    // MARK: Reading

    /// Decisions matching `query`, oldest first (or newest first when `query.newestFirst`).
    public func decisions(_ query: DecisionQuery) async throws -> [StoredDecision] {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let userName = query.userName { conditions.append("user_name = ?"); arguments.append(userName) }
            if let userID = query.userID { conditions.append("user_id = ?"); arguments.append(userID) }
            if let result = query.result { conditions.append("result = ?"); arguments.append(result.rawValue) }
            if let reason = query.reason { conditions.append("reason = ?"); arguments.append(reason.rawValue) }
            if let since = query.since { conditions.append("time >= ?"); arguments.append(since.timeIntervalSince1970) }
            if let until = query.until { conditions.append("time < ?"); arguments.append(until.timeIntervalSince1970) }
            if let after = query.afterSequence { conditions.append("seq > ?"); arguments.append(after) }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let order = query.newestFirst ? "DESC" : "ASC"
            arguments.append(max(1, query.limit))
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM decisions \(whereClause) ORDER BY seq \(order) LIMIT ?",
                                        arguments: StatementArguments(arguments))
            return rows.map(StoredDecision.init(row:))
        }
    }

    /// The number of stored decisions.
    public func count() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM decisions") ?? 0 }
    }

    /// New decisions matching `query` as they are stored, polling every `interval` of `clock`.
    /// Starts after the newest row stored when called, unless `query.afterSequence` is set.
    public func follow(_ query: DecisionQuery, every interval: Duration = .milliseconds(500),
                       clock: any Clock<Duration> = ContinuousClock()) async throws -> AsyncThrowingStream<StoredDecision, any Error> {
        var cursor = query
        cursor.newestFirst = false
        if cursor.afterSequence == nil {
            cursor.afterSequence = try await writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM decisions") ?? 0
            }
        }
        let start = cursor
        return AsyncThrowingStream { continuation in
            let task = Task {
                var cursor = start
                do {
                    while !Task.isCancelled {
                        let batch = try await self.decisions(cursor)
                        for decision in batch { continuation.yield(decision) }
                        if let last = batch.last { cursor.afterSequence = last.sequence; continue }
                        try await clock.sleep(for: interval)
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
