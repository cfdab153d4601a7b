import GRDB

/// A row of `changes`, the monotonic change sequence.
struct ChangeRow: Codable, Sendable, FetchableRecord, TableRecord {
    static let databaseTableName = "changes"
    var seq: Int64?
    var at: Double
    var resourceType: String
    var resourceId: String
    var operation: String
    /// The replica whose command wrote it; nil for a local, unreplicated write.
    var origin: String?

    enum CodingKeys: String, CodingKey {
        case seq, at, operation, origin
        case resourceType = "resource_type", resourceId = "resource_id"
    }
}
