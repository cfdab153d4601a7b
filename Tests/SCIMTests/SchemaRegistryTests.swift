import Foundation
import Testing

@testable import SCIM

@Suite("SchemaRegistry")
struct SchemaRegistryTests {
    @Test("Schemas/ loads with User and Group and both User extensions")
    func loadsRepositorySchemas() throws {
        let registry = try SchemaRegistry(directory: TestSchemas.directory)
        #expect(registry.schemas.map(\.id).sorted() == [
            SchemaURN.group, SchemaURN.user, SchemaURN.enterpriseUser, SchemaURN.natsUser,
        ].sorted())
        #expect(registry.user.endpoint == "/Users")
        #expect(registry.group.endpoint == "/Groups")
        #expect(registry.user.extensions.map(\.schema.id) == [SchemaURN.enterpriseUser, SchemaURN.natsUser])
        #expect(registry.resourceType(endpoint: "users")?.id == "User")
        #expect(registry.schemaDocuments.count == 4)
        #expect(registry.resourceTypeDocuments.count == 2)
    }

    @Test("the NATS extension declares nkeys, tags and jwtLifetimeSeconds")
    func natsExtension() throws {
        let nats = try #require(TestSchemas.registry.schema(id: SchemaURN.natsUser))
        let nkeys = try #require(nats.attribute(named: "nkeys"))
        // Lists in one string (see Schemas/README.md), so PATCH add replaces and Entra can map them.
        #expect(!nkeys.multiValued && nkeys.caseExact && nkeys.type == .string)
        #expect(nats.attribute(named: "tags")?.multiValued == false)
        #expect(nats.attribute(named: "tags")?.type == .string)
        #expect(nats.attribute(named: "jwtLifetimeSeconds")?.type == .integer)
        #expect(!SchemaURN.natsUser.hasPrefix("urn:ietf:"))
    }

    @Test("password is write-only and never returned; groups is readOnly")
    func userCharacteristics() throws {
        let password = try #require(TestSchemas.user.schema.attribute(named: "password"))
        #expect(password.mutability == .writeOnly && password.returned == .never)
        #expect(TestSchemas.user.schema.attribute(named: "groups")?.mutability == .readOnly)
        #expect(TestSchemas.user.schema.attribute(named: "userName")?.caseExact == false)
    }

    @Test("a resource type naming an unknown schema is rejected")
    func unknownSchema() {
        let resourceType = json(#"{"id":"User","endpoint":"/Users","schema":"urn:x:missing"}"#)
        #expect(throws: SchemaRegistry.LoadError.self) {
            try SchemaRegistry(schemaDocuments: [], resourceTypeDocuments: [resourceType])
        }
    }

    @Test("a missing directory is a LoadError, not a crash")
    func missingDirectory() {
        #expect(throws: SchemaRegistry.LoadError.self) {
            try SchemaRegistry(directory: URL(fileURLWithPath: "/nonexistent/schemas"))
        }
    }

    @Test("paths resolve through core, common, extension and URN-qualified names")
    func resolution() throws {
        let user = TestSchemas.user
        #expect(user.resolve(AttributePath(attribute: "USERNAME"))?.attribute?.name == "userName")
        #expect(user.resolve(AttributePath(attribute: "meta", subAttribute: "lastModified"))?.target?.type == .dateTime)
        #expect(user.resolve(AttributePath(attribute: "id"))?.attribute?.mutability == .readOnly)
        let department = try AttributePath.parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")
        #expect(user.resolve(department)?.schema.id == SchemaURN.enterpriseUser)
        let whole = try AttributePath.parse(SchemaURN.enterpriseUser)
        let resolved = try #require(user.resolve(whole))
        #expect(resolved.attribute == nil && resolved.schema.id == SchemaURN.enterpriseUser)
        #expect(user.resolve(AttributePath(attribute: "employeeNumber"))?.schema.id == SchemaURN.enterpriseUser)
        #expect(user.resolve(AttributePath(attribute: "nope")) == nil)
    }
}
