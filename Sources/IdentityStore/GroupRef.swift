/// A direct group membership of a user.
public struct GroupRef: Sendable, Hashable, Codable {
    public var id: String
    public var displayName: String
    public var externalId: String?

    public init(id: String, displayName: String, externalId: String?) {
        self.id = id
        self.displayName = displayName
        self.externalId = externalId
    }
}
