/// The definitions an ``AttributePath`` resolves to within a resource type.
public struct ResolvedAttribute: Sendable, Hashable {
    /// The schema that declares the attribute.
    public var schema: Schema
    /// The top-level attribute, or `nil` when the path names a whole extension object.
    public var attribute: SchemaAttribute?
    /// The sub-attribute, when the path has one.
    public var subAttribute: SchemaAttribute?

    public init(schema: Schema, attribute: SchemaAttribute?, subAttribute: SchemaAttribute?) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// The most specific definition: the sub-attribute if any, else the attribute.
    public var target: SchemaAttribute? { subAttribute ?? attribute }
}
