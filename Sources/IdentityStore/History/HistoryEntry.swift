import Foundation

/// One append-only identity history entry: when, who, which resource, what changed.
public struct HistoryEntry: Sendable, Equatable {
    /// Increasing with commit order (gaps after pruning).
    public var sequence: Int64
    /// When the change was committed.
    public var at: Date
    /// The name of the SCIM token that made the change (as it was then), or the local author.
    public var author: String
    /// The id of the SCIM token that made the change, when one did.
    public var authorTokenId: String?
    public var resourceType: ResourceKind
    public var resourceId: String
    /// The user's `userName` or the group's `displayName` at the time.
    public var resourceName: String
    public var kind: HistoryKind
    public var changes: HistoryChanges

    public init(sequence: Int64, at: Date, author: String, authorTokenId: String?, resourceType: ResourceKind,
                resourceId: String, resourceName: String, kind: HistoryKind, changes: HistoryChanges) {
        self.sequence = sequence
        self.at = at
        self.author = author
        self.authorTokenId = authorTokenId
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.resourceName = resourceName
        self.kind = kind
        self.changes = changes
    }

    /// True for an entry that takes a user's access away: deletion, deactivation, leaving a group.
    public var isDeprovisioning: Bool {
        guard resourceType == .user else { return false }
        return kind == .delete || changes.revokesAccess
    }
}
