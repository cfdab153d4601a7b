/// A group as a user's history names it: its id and its `displayName` at the time.
public struct HistoryGroup: Sendable, Codable, Hashable {
    public var id: String
    public var displayName: String

    public init(id: String, displayName: String) {
        self.id = id
        self.displayName = displayName
    }
}
