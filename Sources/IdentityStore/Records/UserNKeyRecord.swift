import GRDB

/// A row of `user_nkeys`: an nkey public key (`U…`) a user may connect with; unique store-wide.
struct UserNKeyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "user_nkeys"
    var publicKey: String
    var userId: String

    enum CodingKeys: String, CodingKey {
        case publicKey = "public_key", userId = "user_id"
    }
}
