import Foundation

/// A user as the auth callout decides on it: everything a connect needs, read in one indexed query.
///
/// The one read model of a user for authorization: the store returns it, the callout checks its
/// credentials against it and the policy evaluates it as it is (no copy into another type).
public struct Identity: Sendable, Equatable {
    public var id: String
    public var userName: String
    public var externalId: String?
    public var displayName: String?
    /// False after SCIM deactivation: the callout must deny.
    public var active: Bool
    /// argon2id PHC string (`$argon2id$…`) for `PasswordHasher.verify`; nil when no password is set.
    public var passwordHash: String?
    /// nkey public keys (`U…`) the user may connect with, sorted.
    public var nkeys: [String]
    /// NATS tags from the extension schema.
    public var tags: [String]
    /// A per-user cap on the user JWT lifetime, in seconds, from the extension schema.
    public var jwtLifetimeSeconds: Int?
    /// Changes on any change to the user, including password, `active` and memberships: the
    /// credential cache's key.
    public var version: Int64
    /// Direct group memberships, by display name.
    public var groups: [GroupRef]
    /// When found by an access token that expires: its expiry (a session must not outlive it,
    /// since an expiry is no change the revoker could see).
    public var credentialExpiresAt: Date?

    public init(
        id: String, userName: String, externalId: String? = nil, displayName: String? = nil, active: Bool = true,
        passwordHash: String? = nil, nkeys: [String] = [], tags: [String] = [], version: Int64 = 1,
        groups: [GroupRef] = [], jwtLifetimeSeconds: Int? = nil, credentialExpiresAt: Date? = nil
    ) {
        self.id = id
        self.userName = userName
        self.externalId = externalId
        self.displayName = displayName
        self.active = active
        self.passwordHash = passwordHash
        self.nkeys = nkeys
        self.tags = tags
        self.jwtLifetimeSeconds = jwtLifetimeSeconds
        self.version = version
        self.groups = groups
        self.credentialExpiresAt = credentialExpiresAt
    }
}
