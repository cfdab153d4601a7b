/// What an identity history entry records.
public enum HistoryKind: String, Sendable, Codable, CaseIterable {
    /// The state of a resource that existed when history began (or at the retention cutoff, after
    /// pruning): a snapshot, not a change.
    case baseline
    /// The resource was created (with the state it was created with).
    case create
    /// Attributes changed (`active`, `userName`, `externalId`, nkeys, password, `displayName`).
    case update
    /// The resource was deleted.
    case delete
    /// Group memberships changed: a user's groups, or a group's members.
    case membership
    /// The callout cut a user's live sessions after a change (recorded by `SessionRevoker`).
    case sessionsCut = "sessions_cut"
}
