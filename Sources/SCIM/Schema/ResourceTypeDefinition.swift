/// A SCIM resource type (RFC 7643 §6) with its schemas resolved.
public struct ResourceTypeDefinition: Sendable, Hashable {
    /// A schema extension of a resource type and whether resources must carry it.
    public struct Extension: Sendable, Hashable {
        public var schema: Schema
        public var required: Bool

        public init(schema: Schema, required: Bool) {
            self.schema = schema
            self.required = required
        }
    }

    /// The resource type id, e.g. `User`.
    public var id: String
    /// The resource type name, e.g. `User` (used in `meta.resourceType`).
    public var name: String
    /// The endpoint relative to the base URL, e.g. `/Users`.
    public var endpoint: String
    public var description: String
    /// The core schema.
    public var schema: Schema
    public var extensions: [Extension]

    public init(
        id: String,
        name: String,
        endpoint: String,
        description: String = "",
        schema: Schema,
        extensions: [Extension] = []
    ) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.extensions = extensions
    }

    /// The core schema followed by every extension schema.
    public var allSchemas: [Schema] { [schema] + extensions.map(\.schema) }

    /// The extension whose URN equals `urn` ignoring case.
    public func extensionSchema(urn: String) -> Schema? {
        extensions.first { $0.schema.id.caseInsensitiveEquals(urn) }?.schema
    }

    /// The schema (core or extension) whose URN equals `urn` ignoring case.
    public func schema(urn: String) -> Schema? {
        if schema.id.caseInsensitiveEquals(urn) { return schema }
        return extensionSchema(urn: urn)
    }

    /// Whether `schema` is one of this type's extensions (its attributes then live in an object
    /// keyed by the URN, RFC 7643 §3.3).
    public func isExtension(_ candidate: Schema) -> Bool {
        !candidate.id.caseInsensitiveEquals(schema.id)
    }

    /// Finds the definitions an attribute path refers to.
    ///
    /// An unqualified name is looked up in the core schema first and then in the extensions
    /// (clients often omit the URN for extension attributes). A path whose URN plus attribute
    /// spell an extension URN (`urn:…:enterprise:2.0:User`) resolves to the whole extension
    /// object, with `attribute == nil`.
    /// - Returns: `nil` when the path names no declared attribute.
    public func resolve(_ path: AttributePath) -> ResolvedAttribute? {
        if let urn = path.schema {
            if let owner = schema(urn: urn) {
                if !isExtension(owner), let common = CommonAttributes.attribute(named: path.attribute) {
                    return resolve(definition: common, subAttribute: path.subAttribute, in: owner)
                }
                return resolve(attribute: path.attribute, subAttribute: path.subAttribute, in: owner)
            }
            // `urn:…:2.0:User` alone parses as schema `urn:…:2.0`, attribute `User`.
            if let whole = extensionSchema(urn: urn + ":" + path.attribute) {
                guard path.subAttribute == nil else {
                    return resolve(attribute: path.subAttribute ?? "", subAttribute: nil, in: whole)
                }
                return ResolvedAttribute(schema: whole, attribute: nil, subAttribute: nil)
            }
            return nil
        }
        if let extensionSchema = extensionSchema(urn: path.attribute), path.subAttribute == nil {
            return ResolvedAttribute(schema: extensionSchema, attribute: nil, subAttribute: nil)
        }
        if let common = CommonAttributes.attribute(named: path.attribute) {
            return resolve(definition: common, subAttribute: path.subAttribute, in: schema)
        }
        for candidate in allSchemas {
            if let resolved = resolve(attribute: path.attribute, subAttribute: path.subAttribute, in: candidate) {
                return resolved
            }
        }
        return nil
    }

    private func resolve(attribute: String, subAttribute: String?, in owner: Schema) -> ResolvedAttribute? {
        guard let definition = owner.attribute(named: attribute) else { return nil }
        return resolve(definition: definition, subAttribute: subAttribute, in: owner)
    }

    private func resolve(definition: SchemaAttribute, subAttribute: String?, in owner: Schema) -> ResolvedAttribute? {
        guard let subAttribute else {
            return ResolvedAttribute(schema: owner, attribute: definition, subAttribute: nil)
        }
        guard let subDefinition = definition.subAttribute(named: subAttribute) else { return nil }
        return ResolvedAttribute(schema: owner, attribute: definition, subAttribute: subDefinition)
    }

    /// The RFC 7643 §6 JSON form of this resource type (without `meta.location`).
    public var document: JSONValue {
        .object([
            "schemas": [.string(SchemaURN.resourceType)],
            "id": .string(id),
            "name": .string(name),
            "endpoint": .string(endpoint),
            "description": .string(description),
            "schema": .string(schema.id),
            "schemaExtensions": .array(
                extensions.map { .object(["schema": .string($0.schema.id), "required": .bool($0.required)]) }
            ),
            "meta": .object(["resourceType": "ResourceType"]),
        ])
    }
}
