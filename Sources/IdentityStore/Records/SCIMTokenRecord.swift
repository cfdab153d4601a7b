import Foundation
import GRDB

/// A row of `scim_tokens`: a bearer token the IdP uses, stored only as its SHA-256 hash.
struct SCIMTokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "scim_tokens"
    var id: String
    var name: String
    var tokenHash: Data
    var created: Double
    var revokedAt: Double?
    var expiresAt: Double?
    /// Updated at most once per ``IdentityDatabase/lastUseResolution`` (not on every request).
    var lastUsedAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, name, created
        case tokenHash = "token_hash", revokedAt = "revoked_at", expiresAt = "expires_at", lastUsedAt = "last_used_at"
    }
}
