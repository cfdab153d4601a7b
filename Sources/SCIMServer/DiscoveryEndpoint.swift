import SCIM

/// `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`: what the server supports, served
/// from the schema registry (the JSON documents in `Schemas/`).
struct DiscoveryEndpoint: Sendable {
    let registry: SchemaRegistry
    let configuration: SCIMServerConfiguration

    func serviceProviderConfig(baseURL: String) -> JSONValue {
        .object([
            "schemas": [.string(SchemaURN.serviceProviderConfig)],
            "documentationUri": "https://github.com/scim-callout/scim-callout/blob/main/docs/scim.md",
            "patch": ["supported": true],
            "bulk": .object([
                "supported": true,
                "maxOperations": .integer(Int64(configuration.bulkMaxOperations)),
                "maxPayloadSize": .integer(Int64(configuration.bulkMaxPayloadBytes)),
            ]),
            "filter": .object(["supported": true, "maxResults": .integer(Int64(configuration.maxResults))]),
            "changePassword": ["supported": true],
            "sort": ["supported": true],
            "etag": ["supported": true],
            "authenticationSchemes": [[
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication with a bearer token issued by `scim-callout tokens issue --scim`.",
                "primary": true,
            ]],
            "meta": .object([
                "resourceType": "ServiceProviderConfig",
                "location": .string("\(baseURL)/ServiceProviderConfig"),
            ]),
        ])
    }

    func resourceTypes(baseURL: String) -> JSONValue {
        let documents = registry.resourceTypes.map { withMeta($0.document, type: "ResourceType",
                                                              location: "\(baseURL)/ResourceTypes/\($0.id)") }
        return QuerySupport.listResponse(total: documents.count, startIndex: 1, resources: documents)
    }

    func resourceType(id: String, baseURL: String) throws -> JSONValue {
        guard let type = registry.resourceTypes.first(where: { $0.id.lowercased() == id.lowercased() }) else {
            throw SCIMError.notFound("ResourceType \(id) not found")
        }
        return withMeta(type.document, type: "ResourceType", location: "\(baseURL)/ResourceTypes/\(type.id)")
    }

    func schemas(baseURL: String) -> JSONValue {
        let documents = registry.schemaDocuments.map { document in
            let id = document[attribute: "id"]?.stringValue ?? ""
            return withMeta(document, type: "Schema", location: "\(baseURL)/Schemas/\(id)")
        }
        return QuerySupport.listResponse(total: documents.count, startIndex: 1, resources: documents)
    }

    func schema(id: String, baseURL: String) throws -> JSONValue {
        guard let document = registry.schemaDocument(id: id) else { throw SCIMError.notFound("Schema \(id) not found") }
        let canonical = document[attribute: "id"]?.stringValue ?? id
        return withMeta(document, type: "Schema", location: "\(baseURL)/Schemas/\(canonical)")
    }

    private func withMeta(_ document: JSONValue, type: String, location: String) -> JSONValue {
        var document = document
        var meta = document[attribute: "meta"]?.objectValue ?? [:]
        meta["resourceType"] = .string(type)
        meta["location"] = .string(location)
        document[attribute: "meta"] = .object(meta)
        return document
    }
}
