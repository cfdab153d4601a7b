import Foundation

/// A group as read from the store.
public struct StoredGroup: Sendable, Equatable {
    public var id: String
    public var displayName: String
    public var externalId: String?
    /// The resource JSON without `id`, `meta` and `members`.
    public var resource: String
    public var version: Int64
    public var created: Date
    public var lastModified: Date
    /// Members; nil when not loaded (e.g. `excludedAttributes=members`).
    public var members: [StoredMember]?

    init(_ record: GroupRecord, members: [StoredMember]?) {
        id = record.id
        displayName = record.displayName
        externalId = record.externalId
        resource = record.resource
        version = record.version
        created = Date(timeIntervalSince1970: record.created)
        lastModified = Date(timeIntervalSince1970: record.lastModified)
        self.members = members
    }
}
