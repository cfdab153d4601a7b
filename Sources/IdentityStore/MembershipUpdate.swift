/// How a write changes a group's members.
public enum MembershipUpdate: Sendable, Equatable {
    /// Members stay as they are.
    case keep
    /// The member set becomes exactly this (PUT, `replace members`).
    case replace([MemberInput])
    /// Add and remove individual members (PATCH deltas: never loads the whole group).
    case delta(add: [MemberInput], remove: [String])
    /// Remove every member.
    case removeAll
    /// Several updates, applied in order (a PATCH with several member operations).
    indirect case sequence([MembershipUpdate])
}
