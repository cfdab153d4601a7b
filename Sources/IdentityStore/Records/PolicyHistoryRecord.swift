import Foundation
import GRDB

/// A row of `policy_history`: one load of the policy file by the service.
struct PolicyHistoryRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "policy_history"
    var seq: Int64?
    var loadedAt: Double
    var sha256: String
    var content: Data

    enum CodingKeys: String, CodingKey {
        case seq, sha256, content
        case loadedAt = "loaded_at"
    }
}
