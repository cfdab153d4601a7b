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

    /// The user whose authorization may have changed, when this change is about a user
    /// (membership changes get one row per affected user).
    public var affectedUserId: String? { resourceType == .user ? resourceId : nil }
}
