import Foundation

/// The values of a user the store indexes, plus its SCIM JSON.
///
/// The SCIM layer extracts these from a validated resource; the store never parses SCIM.
public struct UserInput: Sendable, Equatable {
    public var userName: String
    public var externalId: String?
    public var displayName: String?
    public var active: Bool
    /// `emails[].value` (stored caseless for filters).
    public var emails: [String]
    /// nkey public keys the user may connect with (unique store-wide).
    public var nkeys: [String]
    /// NATS tags from the extension schema (used by the callout's policy).
    public var tags: [String]
    /// A per-user JWT lifetime from the extension schema.
    public var jwtLifetimeSeconds: Int?
    /// The resource JSON (an object) without `id`, `meta`, `password` and `groups`.
    public var resource: String

    public init(
        userName: String, externalId: String? = nil, displayName: String? = nil, active: Bool = true,
        emails: [String] = [], nkeys: [String] = [], tags: [String] = [], jwtLifetimeSeconds: Int? = nil,
        resource: String
    ) {
        self.userName = userName
        self.externalId = externalId
        self.displayName = displayName
        self.active = active
        self.emails = emails
        self.nkeys = nkeys
        self.tags = tags
        self.jwtLifetimeSeconds = jwtLifetimeSeconds
        self.resource = resource
    }
}

/// What to do with a user's password on update.
public enum PasswordUpdate: Sendable, Equatable {
    /// Keep the stored hash.
    case keep
    /// Store a new argon2id hash (computed by ``PasswordHasher`` before the write).
    case set(hash: String)
    /// Remove the password.
    case remove
}

/// A replacement for a user computed from its current state (PUT or PATCH).
public struct UserUpdate: Sendable {
    public var input: UserInput
    public var password: PasswordUpdate

    public init(input: UserInput, password: PasswordUpdate = .keep) {
        self.input = input
        self.password = password
    }
}

/// A direct group membership of a user.
public struct GroupRef: Sendable, Hashable, Codable {
    public var id: String
    public var displayName: String
    public var externalId: String?

    public init(id: String, displayName: String, externalId: String?) {
        self.id = id
        self.displayName = displayName
        self.externalId = externalId
    }
}

/// A user as read from the store (never carries the password hash).
public struct StoredUser: Sendable {
    public var id: String
    public var userName: String
    public var externalId: String?
    public var displayName: String?
    public var active: Bool
    public var hasPassword: Bool
    /// The resource JSON without `id`, `meta`, `password` and `groups`.
    public var resource: String
    /// Changes on every write to the user (it is the change sequence number of the last one).
    public var version: Int64
    public var created: Date
    public var lastModified: Date
    /// Direct groups; nil when not loaded.
    public var groups: [GroupRef]?

    init(_ record: UserRecord, groups: [GroupRef]?) {
        id = record.id
        userName = record.userName
        externalId = record.externalId
        displayName = record.displayName
        active = record.active
        hasPassword = record.passwordHash != nil
        resource = record.resource
        version = record.version
        created = Date(timeIntervalSince1970: record.created)
        lastModified = Date(timeIntervalSince1970: record.lastModified)
        self.groups = groups
    }
}
