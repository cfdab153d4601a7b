/// A user as identity history says it was at some moment (``IdentityDatabase/activeUsersWithGroups(asOf:)``).
public struct HistoricalUser: Sendable, Equatable {
    public var id: String
    public var userName: String
    /// The `displayName`s (at that moment) of the groups the user was a direct member of, sorted.
    public var groups: [String]

    public init(id: String, userName: String, groups: [String]) {
        self.id = id
        self.userName = userName
        self.groups = groups
    }
}
