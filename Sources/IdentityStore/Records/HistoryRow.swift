import GRDB

/// A row of `identity_history` (append-only; see the `v2-identity-history` migration).
struct HistoryRow: Codable, Sendable, FetchableRecord, TableRecord {
    static let databaseTableName = "identity_history"
    var seq: Int64
    var at: Double
    var author: String
    var authorTokenId: String?
    var resourceType: String
    var resourceId: String
    var resourceName: String
    var kind: String
    var changes: String

    enum CodingKeys: String, CodingKey {
        case seq, at, author, kind, changes
        case authorTokenId = "author_token_id", resourceType = "resource_type", resourceId = "resource_id"
        case resourceName = "resource_name"
    }
}
