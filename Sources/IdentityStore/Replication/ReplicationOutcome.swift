/// What applying one replication command did; the same on every replica for the same command
/// at the same stream position.
public enum ReplicationOutcome: Sendable, Equatable {
    /// A user was created or updated; its state after the write.
    case user(StoredUser)
    /// A group was created or updated; its state after the write (members only for a create).
    case group(StoredGroup)
    /// The resource was deleted.
    case deleted
    /// The write's precondition failed (uniqueness, `If-Match`, not found, unknown member,
    /// invalid value); nothing but the position changed. The SCIM error the writer answers.
    case rejected(IdentityStoreError)
    /// A PUT/PATCH was computed from a version that is no longer current; nothing changed. The
    /// writer re-runs its transform on the newer state and publishes again.
    case stale
    /// The sequence was applied before (a redelivery or a restart); nothing changed.
    case alreadyApplied
    /// A replica's currency probe: only the position moved.
    case probed
}

extension ReplicationOutcome {
    /// The case's name (logs, metrics; never the resource's content).
    public var kind: String {
        switch self {
        case .user: "user"
        case .group: "group"
        case .deleted: "deleted"
        case .rejected(let error): "rejected.\(error.code.rawValue)"
        case .stale: "stale"
        case .alreadyApplied: "alreadyApplied"
        case .probed: "probed"
        }
    }
}

extension ReplicationOutcome {
    /// The user a create or update wrote, or nil for any other outcome.
    var user: StoredUser? {
        if case .user(let user) = self { user } else { nil }
    }

    /// The group a create or update wrote, or nil for any other outcome.
    var group: StoredGroup? {
        if case .group(let group) = self { group } else { nil }
    }
}
