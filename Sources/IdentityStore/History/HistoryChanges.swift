/// What a history entry says changed. Only what changed is present; it never holds a password,
/// a password hash or a token, only the fact that a password was set or removed.
///
/// Stored as JSON in `identity_history.changes` with these property names (the `audit` JSON
/// shows it as it is, so renaming a property changes a documented format).
public struct HistoryChanges: Sendable, Codable, Equatable {
    public var active: FieldChange<Bool>?
    public var userName: FieldChange<String>?
    public var displayName: FieldChange<String>?
    public var externalId: FieldChange<String>?
    /// nkeys assigned (a create or baseline lists all of them).
    public var nkeysAdded: [String]?
    public var nkeysRemoved: [String]?
    /// True when a password was set, replaced or removed (the value is never recorded).
    public var passwordChanged: Bool?
    /// A user timeline's groups joined (a create or baseline lists all of them).
    public var groupsAdded: [HistoryGroup]?
    public var groupsRemoved: [HistoryGroup]?
    /// A group timeline's member ids added and removed.
    public var membersAdded: [String]?
    public var membersRemoved: [String]?
    /// For `sessions_cut`: how many live connections were disconnected.
    public var sessionsCut: Int?
    /// For `sessions_cut`: why (`user deactivated`, `user deleted`, …).
    public var reason: String?

    public init(
        active: FieldChange<Bool>? = nil, userName: FieldChange<String>? = nil,
        displayName: FieldChange<String>? = nil, externalId: FieldChange<String>? = nil,
        nkeysAdded: [String]? = nil, nkeysRemoved: [String]? = nil, passwordChanged: Bool? = nil,
        groupsAdded: [HistoryGroup]? = nil, groupsRemoved: [HistoryGroup]? = nil,
        membersAdded: [String]? = nil, membersRemoved: [String]? = nil,
        sessionsCut: Int? = nil, reason: String? = nil
    ) {
        self.active = active
        self.userName = userName
        self.displayName = displayName
        self.externalId = externalId
        self.nkeysAdded = nkeysAdded
        self.nkeysRemoved = nkeysRemoved
        self.passwordChanged = passwordChanged
        self.groupsAdded = groupsAdded
        self.groupsRemoved = groupsRemoved
        self.membersAdded = membersAdded
        self.membersRemoved = membersRemoved
        self.sessionsCut = sessionsCut
        self.reason = reason
    }

    /// True for a change that takes access away: deactivation or leaving a group.
    public var revokesAccess: Bool {
        active?.from == true && active?.to == false || !(groupsRemoved ?? []).isEmpty
    }
}
