/// The values of a group the store indexes, plus its SCIM JSON (without members).
public struct GroupInput: Sendable, Equatable, Codable {
    public var displayName: String
    public var externalId: String?
    /// The resource JSON (an object) without `id`, `meta` and `members`.
    public var resource: String

    public init(displayName: String, externalId: String? = nil, resource: String) {
        self.displayName = displayName
        self.externalId = externalId
        self.resource = resource
    }
}
