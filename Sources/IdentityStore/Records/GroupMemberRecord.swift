import GRDB

/// A row of `group_members`: one member (user or nested group) of one group.
struct GroupMemberRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "group_members"
    var groupId: String
    var memberId: String
    /// "User" or "Group".
    var memberType: String

    enum CodingKeys: String, CodingKey {
        case groupId = "group_id", memberId = "member_id", memberType = "member_type"
    }
}
