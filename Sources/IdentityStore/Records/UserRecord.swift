import GRDB

/// A row of `users`: the indexed attributes of a SCIM User plus its JSON (without id, meta,
/// password and groups, which live elsewhere).
struct UserRecord: Codable, Sendable {
    var id: String
    var userName: String
    var userNameKey: String
    var externalId: String?
    var displayName: String?
    var displayNameKey: String?
    var active: Bool
    var passwordHash: String?
    /// JSON array of strings.
    var tags: String
    var jwtLifetimeSeconds: Int?
    var resource: String
    var version: Int64
    var created: Double
    var lastModified: Double

    enum CodingKeys: String, CodingKey {
        case id, active, tags, resource, version, created
        case userName = "user_name", userNameKey = "user_name_key", externalId = "external_id"
        case displayName = "display_name", displayNameKey = "display_name_key", passwordHash = "password_hash"
        case jwtLifetimeSeconds = "jwt_lifetime_seconds", lastModified = "last_modified"
    }
}

extension UserRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "users"

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let userNameKey = Column(CodingKeys.userNameKey)
        static let externalId = Column(CodingKeys.externalId)
        static let displayName = Column(CodingKeys.displayName)
        static let active = Column(CodingKeys.active)
        static let lastModified = Column(CodingKeys.lastModified)
        static let created = Column(CodingKeys.created)
    }
}
