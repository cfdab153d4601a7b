/// A sort attribute, spelled as in the schema (the SCIM layer resolves client spelling).
public struct SortAttribute: Sendable, Hashable {
    /// An extension schema URN, or nil for the core schema and common attributes.
    public var schema: String?
    public var attribute: String
    public var subAttribute: String?
    /// True for multi-valued attributes (sorted by their first value).
    public var isMultiValued: Bool

    public init(schema: String? = nil, attribute: String, subAttribute: String? = nil, isMultiValued: Bool = false) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
        self.isMultiValued = isMultiValued
    }
}
