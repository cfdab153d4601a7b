/// The attributes every resource has (RFC 7643 §3.1) but no schema document lists:
/// `id`, `externalId` and `meta`.
public enum CommonAttributes {
    public static let id = SchemaAttribute(
        name: "id", type: .string, description: "Server-assigned, immutable identifier.", caseExact: true,
        mutability: .readOnly, returned: .always, uniqueness: .server
    )
    public static let externalId = SchemaAttribute(
        name: "externalId", type: .string, description: "Identifier assigned by the provisioning client.",
        caseExact: true
    )
    public static let meta = SchemaAttribute(
        name: "meta", type: .complex, description: "Resource metadata.", mutability: .readOnly,
        subAttributes: [
            SchemaAttribute(name: "resourceType", type: .string, caseExact: true, mutability: .readOnly),
            SchemaAttribute(name: "created", type: .dateTime, mutability: .readOnly),
            SchemaAttribute(name: "lastModified", type: .dateTime, mutability: .readOnly),
            SchemaAttribute(name: "location", type: .reference, caseExact: true, mutability: .readOnly),
            SchemaAttribute(name: "version", type: .string, caseExact: true, mutability: .readOnly),
        ]
    )
    /// `schemas` itself, which clients send and servers return on every resource.
    public static let schemas = SchemaAttribute(
        name: "schemas", type: .reference, multiValued: true, caseExact: false, returned: .always
    )

    /// `id`, `externalId` and `meta`.
    public static let all = [id, externalId, meta]

    /// The common attribute called `name`, ignoring case.
    public static func attribute(named name: String) -> SchemaAttribute? {
        all.first { $0.name.caseInsensitiveEquals(name) }
    }
}
