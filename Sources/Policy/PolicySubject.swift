import Foundation

/// A user named by hand (the `policy` command, tests): the facts a ``PolicyUser`` carries.
public struct PolicySubject: PolicyUser, Sendable, Equatable {
    /// A group the user is a member of.
    public struct Group: PolicyGroup, Sendable, Equatable {
        public var displayName: String
        public var externalId: String?
        /// The SCIM id (used to notice membership changes; not matched by the policy).
        public var id: String?
        public init(displayName: String, externalId: String? = nil, id: String? = nil) {
            self.displayName = displayName
            self.externalId = externalId
            self.id = id
        }
    }

    public var userName: String
    public var id: String
    public var externalId: String?
    public var groups: [Group]

    public init(userName: String, id: String, externalId: String? = nil, groups: [Group]) {
        self.userName = userName
        self.id = id
        self.externalId = externalId
        self.groups = groups
    }
}
