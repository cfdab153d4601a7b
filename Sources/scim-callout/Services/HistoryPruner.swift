import Foundation
import IdentityStore
import Logging
import ServiceLifecycle

/// Prunes identity history older than `history.retention`: once at start, then every `interval`
/// until shutdown. A failed pass is logged and retried at the next one (history only grows meanwhile).
struct HistoryPruner: Service {
    let database: IdentityDatabase
    let retention: Duration
    var interval: Duration = .seconds(3_600)
    var clock: any Clock<Duration> = ContinuousClock()
    var now: @Sendable () -> Date = { Date() }
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await prune()
            do {
                try await cancelWhenGracefulShutdown { [clock, interval] in try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    /// One pruning pass.
    func prune() async {
        let cutoff = now().addingTimeInterval(-retention.timeInterval)
        do {
            let deleted = try await database.pruneHistory(olderThan: cutoff)
            if deleted > 0 {
                logger.info("identity history pruned", metadata: ["history.deleted": "\(deleted)",
                                                                  "history.cutoff": "\(cutoff.formatted(.iso8601))"])
            }
        } catch {
            logger.warning("identity history pruning failed", metadata: ["error": "\(error)"])
        }
    }
}
