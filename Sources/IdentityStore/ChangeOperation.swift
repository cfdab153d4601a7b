/// What happened in a change.
public enum ChangeOperation: String, Sendable, Codable {
    /// The resource was created.
    case create
    /// The resource changed (attributes, `active`, password, nkeys).
    case update
    /// The resource was deleted.
    case delete
    /// A user's group memberships changed (or a group they belong to was renamed or deleted).
    case membership
}
