import Foundation

/// Everything the auth callout needs to decide on a connect, read in one indexed query.
public struct AuthSubject: Sendable, Equatable {
    public var id: String
    public var userName: String
    public var externalId: String?
    public var displayName: String?
    /// False after SCIM deactivation: the callout must deny.
    public var active: Bool
    /// argon2id PHC string (`$argon2id$…`) for `PasswordHasher.verify`; nil when no password is set.
    public var passwordHash: String?
    /// nkey public keys the user may connect with.
    public var nkeys: [String]
    /// NATS tags from the extension schema.
    public var tags: [String]
    /// A per-user JWT lifetime from the extension schema.
    public var jwtLifetimeSeconds: Int?
    /// Changes on any change to the user, including password, `active` and memberships.
    public var version: Int64
    /// Direct group memberships.
    public var groups: [GroupRef]
    /// When found by an access token that expires: its expiry (a session must not outlive it).
    public var credentialExpiresAt: Date? = nil
}
