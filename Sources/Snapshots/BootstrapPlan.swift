/// What a replica does before it applies the stream: resume from its own store, restore a
/// snapshot first, or refuse to start. Pure: ``decide(hasStore:applied:firstSequence:lastSequence:newest:)``
/// turns the facts into the plan, the shell (``SnapshotBootstrap``) gathers them and carries it out.
public enum BootstrapPlan: Sendable, Hashable {
    /// Apply the stream from this sequence on (the store's position + 1; 1 for a new, empty store).
    case resume(from: UInt64)
    /// Install this snapshot, then apply from its sequence + 1.
    case restore(SnapshotRecord)
    /// Do not serve: the store cannot be brought up to date (see the error's reason).
    case refuse(SnapshotError)

    /// - Parameters:
    ///   - hasStore: a store file exists.
    ///   - applied: its `replication_position` (0 without a store).
    ///   - firstSequence: the stream's `first_seq` (its `last_seq + 1` when it is empty).
    ///   - lastSequence: the stream's `last_seq`.
    ///   - newest: the newest snapshot in the bucket.
    public static func decide(hasStore: Bool, applied: UInt64, firstSequence: UInt64, lastSequence: UInt64,
                              newest: SnapshotRecord?) -> BootstrapPlan {
        // The stream still holds every message after `sequence`.
        func tailCovers(_ sequence: UInt64) -> Bool { sequence + 1 >= firstSequence }
        if hasStore {
            if applied > lastSequence {
                return .refuse(SnapshotError(.aheadOfStream, """
                    the store has applied sequence \(applied) but the stream ends at \(lastSequence): \
                    the stream was recreated or lost messages; restore the store from a snapshot by hand
                    """))
            }
            if tailCovers(applied) { return .resume(from: applied + 1) }
        } else {
            // A new replica takes the newest snapshot even when the stream is complete: faster.
            if let newest, tailCovers(newest.sequence), newest.sequence <= lastSequence { return .restore(newest) }
            if firstSequence <= 1 { return .resume(from: 1) }
        }
        if let newest, newest.sequence > applied, tailCovers(newest.sequence), newest.sequence <= lastSequence {
            return .restore(newest)
        }
        let newestText = newest.map { "the newest snapshot is at sequence \($0.sequence)" } ?? "there is no snapshot"
        return .refuse(SnapshotError(.uncovered, """
            the store is at sequence \(applied) but the stream starts at \(firstSequence) and \(newestText): \
            no snapshot covers sequences \(applied + 1)…\(firstSequence - 1)
            """))
    }
}
