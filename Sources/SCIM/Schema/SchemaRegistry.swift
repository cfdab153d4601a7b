import Foundation

/// The schemas and resource types the service offers, loaded from JSON documents.
///
/// The repository's `Schemas/` directory holds one RFC 7643 §7 schema document per file in
/// `schemas/` and one RFC 7643 §6 resource type document per file in `resource-types/`. The
/// documents are kept as loaded so the server can serve them from `/Schemas` and
/// `/ResourceTypes` as written.
public struct SchemaRegistry: Sendable {
    /// Why a schema directory could not be loaded.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Code: Sendable, Hashable {
            case unreadable
            case invalidDocument
            case unknownSchema
            case duplicate
            case missingResourceType
        }

        public var code: Code
        public var detail: String

        public init(code: Code, detail: String) {
            self.code = code
            self.detail = detail
        }

        public var description: String { "schema registry: \(detail)" }
    }

    /// Every schema, in URN order.
    public let schemas: [Schema]
    /// Every resource type, in id order.
    public let resourceTypes: [ResourceTypeDefinition]
    /// The schema documents as loaded, in URN order.
    public let schemaDocuments: [JSONValue]
    /// The resource type documents as loaded, in id order.
    public let resourceTypeDocuments: [JSONValue]
    /// The `User` resource type.
    public let user: ResourceTypeDefinition
    /// The `Group` resource type.
    public let group: ResourceTypeDefinition

    /// Loads `schemas/*.json` and `resource-types/*.json` below `directory`.
    public init(directory: URL) throws(LoadError) {
        try self.init(
            schemaDocuments: try Self.readDocuments(in: directory.appendingPathComponent("schemas")),
            resourceTypeDocuments: try Self.readDocuments(in: directory.appendingPathComponent("resource-types"))
        )
    }

    /// Builds a registry from already-decoded documents.
    ///
    /// Requires resource types with ids `User` and `Group`, and that every schema a resource
    /// type names is present.
    public init(schemaDocuments: [JSONValue], resourceTypeDocuments: [JSONValue]) throws(LoadError) {
        var schemasByURN: [String: (Schema, JSONValue)] = [:]
        for document in schemaDocuments {
            let schema = try Schema(json: document)
            let key = schema.id.lowercased()
            guard schemasByURN[key] == nil else { throw LoadError(code: .duplicate, detail: "schema \(schema.id) twice") }
            schemasByURN[key] = (schema, document)
        }
        var typesByID: [String: (ResourceTypeDefinition, JSONValue)] = [:]
        for document in resourceTypeDocuments {
            let type = try Self.resourceType(from: document, schemas: schemasByURN.mapValues(\.0))
            guard typesByID[type.id] == nil else { throw LoadError(code: .duplicate, detail: "resource type \(type.id) twice") }
            typesByID[type.id] = (type, document)
        }
        guard let user = typesByID["User"]?.0 else {
            throw LoadError(code: .missingResourceType, detail: "no User resource type")
        }
        guard let group = typesByID["Group"]?.0 else {
            throw LoadError(code: .missingResourceType, detail: "no Group resource type")
        }
        let sortedSchemas = schemasByURN.values.sorted { $0.0.id < $1.0.id }
        let sortedTypes = typesByID.values.sorted { $0.0.id < $1.0.id }
        self.schemas = sortedSchemas.map(\.0)
        self.schemaDocuments = sortedSchemas.map(\.1)
        self.resourceTypes = sortedTypes.map(\.0)
        self.resourceTypeDocuments = sortedTypes.map(\.1)
        self.user = user
        self.group = group
    }

    /// The schema with URN `id`, ignoring case.
    public func schema(id: String) -> Schema? {
        schemas.first { $0.id.caseInsensitiveEquals(id) }
    }

    /// The schema document with URN `id`, ignoring case.
    public func schemaDocument(id: String) -> JSONValue? {
        schemaDocuments.first { $0[attribute: "id"]?.stringValue?.caseInsensitiveEquals(id) == true }
    }

    /// The resource type with id or name `name`, ignoring case.
    public func resourceType(named name: String) -> ResourceTypeDefinition? {
        resourceTypes.first { $0.id.caseInsensitiveEquals(name) || $0.name.caseInsensitiveEquals(name) }
    }

    /// The resource type served at `endpoint` (`/Users`), ignoring case and a missing slash.
    public func resourceType(endpoint: String) -> ResourceTypeDefinition? {
        let wanted = endpoint.hasPrefix("/") ? endpoint : "/" + endpoint
        return resourceTypes.first { $0.endpoint.caseInsensitiveEquals(wanted) }
    }

    private static func resourceType(from document: JSONValue, schemas: [String: Schema]) throws(LoadError)
        -> ResourceTypeDefinition
    {
        guard let id = document[attribute: "id"]?.stringValue,
            let endpoint = document[attribute: "endpoint"]?.stringValue,
            let schemaURN = document[attribute: "schema"]?.stringValue
        else {
            throw LoadError(code: .invalidDocument, detail: "resource type needs 'id', 'endpoint' and 'schema'")
        }
        guard let core = schemas[schemaURN.lowercased()] else {
            throw LoadError(code: .unknownSchema, detail: "resource type \(id) names unknown schema \(schemaURN)")
        }
        var extensions: [ResourceTypeDefinition.Extension] = []
        for element in document[attribute: "schemaExtensions"]?.arrayValue ?? [] {
            guard let urn = element[attribute: "schema"]?.stringValue else {
                throw LoadError(code: .invalidDocument, detail: "resource type \(id) has an extension without 'schema'")
            }
            guard let schema = schemas[urn.lowercased()] else {
                throw LoadError(code: .unknownSchema, detail: "resource type \(id) names unknown extension \(urn)")
            }
            extensions.append(.init(schema: schema, required: element[attribute: "required"]?.boolValue ?? false))
        }
        return ResourceTypeDefinition(
            id: id,
            name: document[attribute: "name"]?.stringValue ?? id,
            endpoint: endpoint,
            description: document[attribute: "description"]?.stringValue ?? "",
            schema: core,
            extensions: extensions
        )
    }

    private static func readDocuments(in directory: URL) throws(LoadError) -> [JSONValue] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw LoadError(code: .unreadable, detail: "cannot list \(directory.path)")
        }
        var documents: [JSONValue] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let file = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw LoadError(code: .unreadable, detail: "cannot read \(file.path)")
            }
            do {
                documents.append(try JSONValue.decode(data))
            } catch {
                throw LoadError(code: .invalidDocument, detail: "\(file.lastPathComponent): \(error)")
            }
        }
        return documents
    }
}
