import Foundation
import IdentityStore
import Logging
import ServiceLifecycle
import Snapshots

/// Takes a snapshot of the replicated store every `replication.snapshot_interval`, unless
/// another replica took one within that interval or nothing was applied since the newest one,
/// so a cluster of replicas uploads about one snapshot per interval, not one per replica. A
/// failed pass is logged and retried at the next one (the stream only grows meanwhile).
struct SnapshotScheduler: Service {
    let snapshots: SnapshotStore
    let database: IdentityDatabase
    /// Whether the replica applies the stream now (a stale replica must not trim it).
    let isApplying: @Sendable () -> Bool
    let interval: Duration
    /// Where the `VACUUM INTO` copy is written (the store's folder: same disk, no extra space elsewhere).
    let temporaryDirectory: URL
    var clock: any Clock<Duration> = ContinuousClock()
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [clock, interval] in try await clock.sleep(for: interval) }
            } catch {
                return
            }
            await takeIfDue()
        }
    }

    /// One pass: a snapshot when this replica applies the stream and the newest one is older
    /// than the interval and behind this replica's position.
    func takeIfDue(now: Date = Date()) async {
        let applying = isApplying()
        guard applying else {
            logger.notice("snapshot skipped: this replica is not applying the stream")
            return
        }
        do {
            let applied = try await database.appliedSequence(stream: snapshots.settings.stream)
            guard SnapshotSchedule.isDue(newest: try await snapshots.newest(), applied: applied, isApplying: applying,
                                         now: now, interval: interval)
            else { return }
            _ = try await snapshots.take(from: database, temporaryDirectory: temporaryDirectory)
        } catch {
            logger.warning("snapshot failed", metadata: ["error": "\(error)"])
        }
    }
}
