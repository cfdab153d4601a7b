/// A member reference sent by a client: the member's id and, optionally, its type.
public struct MemberInput: Sendable, Hashable, Codable {
    public var value: String
    /// "User" or "Group"; resolved from the store when nil.
    public var type: String?

    public init(value: String, type: String? = nil) {
        self.value = value
        self.type = type
    }
}
