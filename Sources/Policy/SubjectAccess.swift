/// Whether one direction of a grant reaches a subject, and which of its patterns say so.
public struct SubjectAccess: Sendable, Equatable {
    /// Allow patterns that cover the whole subject (``SubjectPattern/covers(_:_:)``); empty with
    /// ``isAllowed`` true means the grant's allow list is empty, which NATS reads as "everything".
    public var allowedBy: [String]
    /// Deny patterns that cover the whole subject: any one of them refuses it.
    public var deniedBy: [String]
    /// Deny patterns that overlap part of a wildcard subject: allowed, except for these.
    public var exceptions: [String]
    /// Allowed: some allow pattern (or an empty allow list) covers the subject and no deny does.
    public var isAllowed: Bool

    public init(allowedBy: [String], deniedBy: [String], exceptions: [String], isAllowed: Bool) {
        self.allowedBy = allowedBy
        self.deniedBy = deniedBy
        self.exceptions = exceptions
        self.isAllowed = isAllowed
    }
}
