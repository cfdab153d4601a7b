import Foundation

/// One entry of the change sequence.
public struct ChangeRecord: Sendable, Equatable {
    /// Monotonic, gap-tolerant sequence number.
    public var seq: Int64
    /// When the change was committed.
    public var at: Date
    /// User or Group.
    public var resourceType: ResourceKind
    /// The resource's id.
    public var resourceId: String
    /// What happened.
    public var operation: ChangeOperation
    /// The replica that accepted the write (`replication.replica_id`), for a change applied
    /// from the replication stream; nil for a write made on this store directly. The session
    /// revoker acts on a change once: where it is nil or this replica's id.
    public var origin: String? = nil

    /// The user whose authorization may have changed, when this change is about a user
    /// (membership changes get one row per affected user).
    public var affectedUserId: String? { resourceType == .user ? resourceId : nil }

    /// True when the replica `replicaID` is the one to act on this change (cut sessions): the
    /// change was written locally, or by a command that replica accepted. With replication off
    /// (`replicaID` nil) every change is local.
    public func isOwned(byReplica replicaID: String?) -> Bool {
        origin == nil || origin == replicaID
    }
}
