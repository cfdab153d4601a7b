import Foundation
import GRDB

/// Watches one replica's applied stream position from outside the process: a read-only
/// connection to its SQLite file polls `replication_position` on a thread of its own, and
/// records when each new position first became visible (a committed apply).
///
/// Read with WAL, so the replica's writer is never blocked. The time recorded is at most one
/// `interval` (plus one read) after the commit: the apply lag it yields is an upper bound.
final class PositionWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var changes: [(at: Date, sequence: UInt64)] = []
    private var running = true

    /// - Parameters:
    ///   - path: the replica's store file (it must exist: start after the replica is ready).
    ///   - stream: the replication stream's name, the row's key.
    init(path: String, stream: String, interval: Duration = .milliseconds(1)) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                let sequence = (try? queue.read { db in
                    try Int64.fetchOne(db, sql: "SELECT sequence FROM replication_position WHERE stream = ?", arguments: [stream])
                }).flatMap { $0 }.map { UInt64($0) } ?? 0
                let now = Date()
                lock.withLock {
                    if sequence > (changes.last?.sequence ?? 0) { changes.append((now, sequence)) }
                }
                Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
            }
        }
        thread.name = "position-watcher"
        thread.start()
    }

    /// The latest position seen.
    var sequence: UInt64 { lock.withLock { changes.last?.sequence ?? 0 } }

    /// When `sequence` was first seen applied (nil: not yet).
    func appliedTime(of sequence: UInt64) -> Date? {
        lock.withLock {
            // Positions only grow: the first change at or past `sequence`.
            var low = 0, high = changes.count
            while low < high {
                let middle = (low + high) / 2
                if changes[middle].sequence >= sequence { high = middle } else { low = middle + 1 }
            }
            return low < changes.count ? changes[low].at : nil
        }
    }

    /// Stops polling (the thread ends after its current read).
    func stop() {
        lock.withLock { running = false }
    }
}
