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
final class AuthReaders: Sendable {
    private let queues: [DatabaseQueue]
    private let next = Atomic<Int>(0)

    /// Opens `count` read-only connections to the WAL database at `path` (which must exist).
    init(path: String, count: Int) throws {
        var configuration = IdentityDatabase.configuration()
        configuration.readonly = true
        configuration.label = "scim-callout.auth-reader"
        queues = try (0 ..< max(1, count)).map { _ in try DatabaseQueue(path: path, configuration: configuration) }
    }

    /// Runs `read` on the next connection, on this thread. With more connections than threads
    /// that read at once, a lookup waits at most for one other lookup on the same connection.
    func read<T>(_ read: (Database) throws -> T) throws -> T {
        let index = Int(UInt(bitPattern: next.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(queues.count))
        return try queues[index].unsafeRead(read)
    }
}
