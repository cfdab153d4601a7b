import Foundation

/// Whether a scheduled snapshot is due (pure): only a replica that applies the stream takes one,
/// only when the newest snapshot is older than the interval (whoever took it) and behind this
/// replica's position. So a cluster takes about one per interval, not one per replica.
public enum SnapshotSchedule {
    /// - Parameters:
    ///   - newest: the newest snapshot in the bucket.
    ///   - applied: this replica's applied stream sequence.
    ///   - isApplying: whether this replica applies the stream now.
    public static func isDue(newest: SnapshotRecord?, applied: UInt64, isApplying: Bool, now: Date,
                             interval: Duration) -> Bool {
        guard isApplying else { return false }
        guard let newest else { return true }
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let recent = newest.takenAt.map { now.timeIntervalSince($0) < seconds } ?? false
        return !recent && newest.sequence < applied
    }
}
