import Foundation

/// A user as read from the store (never carries the password hash).
public struct StoredUser: Sendable, Equatable {
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
