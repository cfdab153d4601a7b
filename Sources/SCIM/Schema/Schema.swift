/// A SCIM schema (RFC 7643 §7): a URN and its attribute definitions.
public struct Schema: Sendable, Hashable {
    /// The schema URN, e.g. `urn:ietf:params:scim:schemas:core:2.0:User`.
    public var id: String
    /// The schema name, e.g. `User`.
    public var name: String
    /// Human-readable description.
    public var description: String
    /// The top-level attributes.
    public var attributes: [SchemaAttribute]

    public init(id: String, name: String, description: String = "", attributes: [SchemaAttribute]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The top-level attribute called `name`, ignoring case.
    public func attribute(named name: String) -> SchemaAttribute? {
        attributes.first { $0.name.caseInsensitiveEquals(name) }
    }
}

extension Schema {
    /// Reads a schema from its RFC 7643 §7 JSON form.
    public init(json: JSONValue) throws(SchemaRegistry.LoadError) {
        guard let id = json[attribute: "id"]?.stringValue, id.lowercased().hasPrefix("urn:") else {
            throw .init(code: .invalidDocument, detail: "schema without a URN 'id'")
        }
        var attributes: [SchemaAttribute] = []
        for element in json[attribute: "attributes"]?.arrayValue ?? [] {
            attributes.append(try SchemaAttribute(json: element))
        }
        self.init(
            id: id,
            name: json[attribute: "name"]?.stringValue ?? id,
            description: json[attribute: "description"]?.stringValue ?? "",
            attributes: attributes
        )
    }
}
