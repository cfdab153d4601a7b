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

/// Well-known URNs.
public enum SchemaURN {
    public static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    public static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    public static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// Our private extension for NATS-specific user data (not in the `urn:ietf:` namespace).
    public static let natsUser = "urn:scim-callout:schemas:extension:nats:1.0:User"
    public static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    public static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    public static let searchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    public static let error = "urn:ietf:params:scim:api:messages:2.0:Error"
    public static let bulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
    public static let serviceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    public static let resourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
    public static let schema = "urn:ietf:params:scim:schemas:core:2.0:Schema"
}
