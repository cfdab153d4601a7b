import Foundation
import GRDB
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
/// Each connection remembers its lookups' results for as long as `PRAGMA data_version` says no
/// commit happened (``AuthLookupCache``): a repeated connect then costs that one pragma instead
/// of the joined query, which, run between other processes' work on a busy host, took about
/// 35 µs of cold caches per decision.
final class AuthReaders: Sendable {
    private final class Reader: Sendable {
        let queue: DatabaseQueue
        let cache: Mutex<AuthLookupCache>

        init(queue: DatabaseQueue, cache: AuthLookupCache) {
            self.queue = queue
            self.cache = Mutex(cache)
        }
    }

    private let readers: [Reader]
    private let next = Atomic<Int>(0)

    /// Opens `count` read-only connections to the WAL database at `path` (which must exist).
    /// - Parameter cacheCapacity: results remembered per connection.
    init(path: String, count: Int, cacheCapacity: Int = 10_000) throws {
        var configuration = IdentityDatabase.configuration()
        configuration.readonly = true
        configuration.label = "scim-callout.auth-reader"
        // These reads run on the NATS event loop: a WAL reader is almost never busy (recovery
        // after a crash), and if it is, a quick `internal_error` denial beats stalling every
        // decision of that loop for the writers' 10 s.
        configuration.busyMode = .timeout(0.25)
        readers = try (0 ..< max(1, count)).map { _ in
            Reader(queue: try DatabaseQueue(path: path, configuration: configuration),
                   cache: AuthLookupCache(capacity: cacheCapacity))
        }
    }

    /// The result of `lookup`: remembered when no commit happened since it was read, else read
    /// by `load` (and remembered). Runs on the next connection, on this thread; with more
    /// connections than threads that read at once, a lookup waits at most for one other lookup
    /// on the same connection.
    /// - Parameters:
    ///   - now: the time an access token's expiry is checked against on a remembered result.
    ///   - transaction: run `load` in one read transaction (it has several statements); a single
    ///     statement is a snapshot of its own and skips the BEGIN/COMMIT.
    ///   - load: the lookup's statements.
    func subject(_ lookup: AuthLookup, now: Double, transaction: Bool = false,
                 load: (Database) throws -> AuthSubject?) throws -> AuthSubject? {
        let reader = readers[nextIndex()]
        return try reader.queue.unsafeRead { db in
            let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? -1
            if case let .some(remembered) = reader.cache.withLock({ $0.result(for: lookup, version: version) }) {
                // An expiry is the one change no commit announces.
                if let expires = remembered?.credentialExpiresAt, expires.timeIntervalSince1970 <= now { return nil }
                return remembered
            }
            // Read at or after `version`: if a commit slipped in between, the next lookup sees
            // a new version and forgets this result before it could be used.
            var loaded: AuthSubject?
            if transaction {
                try db.inTransaction(.deferred) {
                    loaded = try load(db)
                    return .commit
                }
            } else {
                loaded = try load(db)
            }
            reader.cache.withLock { $0.remember(loaded, for: lookup, version: version) }
            return loaded
        }
    }

    private func nextIndex() -> Int {
        Int(UInt(bitPattern: next.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(readers.count))
    }
}
