import Foundation

/// What the policy reads about a user: attributes for templates and group memberships.
///
/// The store's user type conforms, so a decision evaluates the user it read as it is, without
/// copying it into a policy type first.
public protocol PolicyUser {
    associatedtype Group: PolicyGroup
    var userName: String { get }
    var id: String { get }
    var externalId: String? { get }
    /// Direct group memberships.
    var groups: [Group] { get }
}

/// What the policy reads about a group a user is a member of (bindings match these).
public protocol PolicyGroup {
    var displayName: String { get }
    var externalId: String? { get }
}

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

/// Facts about the connect that bindings' conditions are checked against.
public struct ConnectContext: Sendable, Equatable {
    /// `client_info.host` (the client's address as the server saw it).
    public var host: String?
    /// `client_info.kind` (`Client`, `Leafnode`, …).
    public var kind: String?
    /// `client_info.type` (`nats`, `websocket`, `mqtt`).
    public var type: String?
    public var now: Date

    public init(host: String?, kind: String? = "Client", type: String? = "nats", now: Date) {
        self.host = host
        self.kind = kind
        self.type = type
        self.now = now
    }
}
