import GRDB

/// A row of `user_emails`: one caseless e-mail value of a user, for `emails.value` filters.
struct UserEmailRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "user_emails"
    var userId: String
    var valueKey: String

    enum CodingKeys: String, CodingKey {
        case userId = "user_id", valueKey = "value_key"
    }
}
