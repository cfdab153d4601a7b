import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Read-only SQLite connections of their own for the auth-callout lookups of a file store.
///
/// A `DatabasePool` read costs more than the lookup itself: it takes a reader from the pool and
/// checks `PRAGMA schema_version` (its own read transaction) before every read. These plain
/// read-only queues skip both: a lookup is one dispatch to a connection and one cached statement,
/// which sees a consistent WAL snapshot on its own. The schema only changes at start-up
/// (migrations), before these connections exist; SQLite re-prepares a cached statement by itself
/// if it ever does change.
///
/// All connections share one ``AuthLookupCache``: a user read through one is a hit through the
/// others, so a thousand users are read a thousand times, not once per connection, before every
/// connect is a hit. Each lookup still asks its own connection for `PRAGMA data_version` (a
/// commit anywhere, by this process or another, shows there) and the cache forgets everything
/// at the first sign of one: a repeated connect costs that one pragma instead of the joined
/// query (docs/architecture.md, "Why a decision is cheap", has the figures).
final class AuthReaders: Sendable {
    private let queues: [DatabaseQueue]
    private let cache: Mutex<AuthLookupCache>
    private let next = Atomic<Int>(0)

    /// Opens `count` read-only connections to the WAL database at `path` (which must exist).
    /// - Parameter cacheCapacity: results remembered (shared by all connections).
    init(path: String, count: Int, cacheCapacity: Int = 10_000) throws {
        var configuration = IdentityDatabase.configuration()
        configuration.readonly = true
        configuration.label = "scim-callout.auth-reader"
        // These reads run on the NATS event loop: a WAL reader is almost never busy (recovery
        // after a crash), and if it is, a quick `internal_error` denial beats stalling every
        // decision of that loop for the writers' 10 s.
        configuration.busyMode = .timeout(0.25)
        queues = try (0 ..< max(1, count)).map { _ in try DatabaseQueue(path: path, configuration: configuration) }
        cache = Mutex(AuthLookupCache(capacity: cacheCapacity, readers: queues.count))
    }

    /// The number of connections.
    var count: Int { queues.count }

    /// Results remembered now (tests).
    var cachedCount: Int { cache.withLock { $0.count } }

    /// The user `key` names: remembered when no commit happened since it was read, else read
    /// by `load` (and remembered). Runs on the next connection, on this thread; with more
    /// connections than threads that read at once, a lookup waits at most for one other lookup
    /// on the same connection.
    /// - Parameters:
    ///   - now: the time an access token's expiry is checked against on a remembered result.
    ///   - arrival: when the request this lookup serves arrived; a result remembered and
    ///     validated since then is returned without asking SQLite anything (nil: always validate).
    ///   - transaction: run `load` in one read transaction (it has several statements); a single
    ///     statement is a snapshot of its own and skips the BEGIN/COMMIT.
    ///   - load: the lookup's statements.
    func identity(_ key: CredentialKey, now: Double, arrival: DispatchTime? = nil, transaction: Bool = false,
                 load: (Database) throws -> Identity?) throws -> Identity? {
        if let arrival, let remembered = cache.withLock({ $0.validatedResult(for: key, arrivedAt: arrival.uptimeNanoseconds) }) {
            return Self.unexpired(remembered, now: now)
        }
        return try identity(key, reader: nextIndex(), now: now, transaction: transaction, load: load)
    }

    /// ``identity(_:now:arrival:transaction:load:)`` without an arrival (so it validates), on the
    /// connection `reader` (`0 ..< count`; tests pick one to drive interleavings).
    func identity(_ key: CredentialKey, reader: Int, now: Double, transaction: Bool = false,
                 load: (Database) throws -> Identity?) throws -> Identity? {
        try queues[reader].unsafeRead { db in
            // Taken before the pragma: every commit finished before this instant is in `version`.
            let started = DispatchTime.now().uptimeNanoseconds
            let version = try Self.dataVersion(db)
            switch cache.withLock({ $0.result(for: key, reader: reader, version: version, started: started) }) {
            case let .hit(remembered):
                return Self.unexpired(remembered, now: now)
            case let .miss(epoch):
                // Read after the validation: a commit before it is seen; one after it starts a
                // new epoch at the next validation on any reader, and this result is dropped (or,
                // if already stored, forgotten) there.
                let loaded = try Self.load(db, transaction: transaction, load)
                cache.withLock { $0.remember(loaded, for: key, epoch: epoch) }
                return loaded
            }
        }
    }

    /// A remembered result, unless its access token has expired since: an expiry is the one
    /// change no commit announces.
    private static func unexpired(_ remembered: Identity?, now: Double) -> Identity? {
        if let expires = remembered?.credentialExpiresAt, expires.timeIntervalSince1970 <= now { return nil }
        return remembered
    }

    /// `PRAGMA data_version` on `db`. Stepped through the C API: GRDB's generic `fetchOne`
    /// (cursor, argument checks) was a fifth of the pragma's cost on every lookup
    /// (docs/architecture.md, "Why a decision is cheap").
    private static func dataVersion(_ db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "PRAGMA data_version").sqliteStatement
        // The reset ends the read transaction the step opened: without it this connection would
        // keep its snapshot and never see another commit.
        defer { sqlite3_reset(statement) }
        let code = sqlite3_step(statement)
        guard code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage,
                                sql: "PRAGMA data_version")
        }
        return sqlite3_column_int64(statement, 0)
    }

    private static func load(_ db: Database, transaction: Bool,
                             _ load: (Database) throws -> Identity?) throws -> Identity? {
        guard transaction else { return try load(db) }
        var loaded: Identity?
        try db.inTransaction(.deferred) {
            loaded = try load(db)
            return .commit
        }
        return loaded
    }

    private func nextIndex() -> Int {
        Int(UInt(bitPattern: next.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(queues.count))
    }
}
