import GRDB

/// A row of `groups`: a SCIM Group without its members (they live in `group_members`).
struct GroupRecord: Codable, Sendable {
    var id: String
    var displayName: String
    var displayNameKey: String
    var externalId: String?
    var resource: String
    var version: Int64
    var created: Double
    var lastModified: Double

    enum CodingKeys: String, CodingKey {
        case id, resource, version, created
        case displayName = "display_name", displayNameKey = "display_name_key"
        case externalId = "external_id", lastModified = "last_modified"
    }
}

extension GroupRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "groups"
}
