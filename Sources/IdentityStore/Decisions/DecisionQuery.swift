import Foundation

/// Filters for ``DecisionStore/decisions(_:)``.
public struct DecisionQuery: Sendable, Equatable {
    public var userName: String?
    /// The SCIM id of the user (what the store found, whatever name the client gave).
    public var userID: String?
    public var result: DecisionRecord.Result?
    public var reason: DecisionReason?
    /// Inclusive lower time bound.
    public var since: Date?
    /// Exclusive upper time bound.
    public var until: Date?
    /// Only rows stored after this sequence number (for following).
    public var afterSequence: Int64?
    public var limit: Int
    public var newestFirst: Bool

    public init(userName: String? = nil, userID: String? = nil, result: DecisionRecord.Result? = nil, reason: DecisionReason? = nil,
                since: Date? = nil, until: Date? = nil, afterSequence: Int64? = nil, limit: Int = 100, newestFirst: Bool = false) {
        self.userName = userName
        self.userID = userID
        self.result = result
        self.reason = reason
        self.since = since
        self.until = until
        self.afterSequence = afterSequence
        self.limit = limit
        self.newestFirst = newestFirst
    }
}
