import Foundation
import GRDB

/// A row of `access_tokens`: a per-user NATS token for `auth_token` connects (hash only).
struct AccessTokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "access_tokens"
    var id: String
    var userId: String
    var name: String
    var tokenHash: Data
    var created: Double
    var expiresAt: Double?
    var revokedAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, name, created
        case userId = "user_id", tokenHash = "token_hash", expiresAt = "expires_at", revokedAt = "revoked_at"
    }
}
