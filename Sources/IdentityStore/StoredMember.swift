/// A member as stored, with a display name when the member is known.
public struct StoredMember: Sendable, Hashable {
    public var value: String
    /// "User" or "Group".
    public var type: String
    /// The member's displayName (or userName); nil for members not (yet) known to the store.
    public var display: String?

    public init(value: String, type: String, display: String?) {
        self.value = value
        self.type = type
        self.display = display
    }
}
