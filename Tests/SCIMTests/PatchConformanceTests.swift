import Testing
import TestSupport

@testable import SCIM

/// Shapes scim2-tester (the conformance tool in .venv) sends: it builds its checks from our
/// `Schemas/` and compares what comes back with what it sent, so each must round-trip exactly.
@Suite("PATCH engine: conformance-tester shapes")
struct PatchConformanceTests {
    private func roundTrip(_ operation: String, on resource: JSONValue, type: ResourceTypeDefinition) throws -> JSONValue {
        let request = try PatchRequest(bytes: Array(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operation)]}"#.utf8))
        let patched = try PatchEngine().apply(request, to: resource, type: type)
        return try ResourceValidator().normalizeForPatch(patched, existing: resource, type: type).resource
    }

    @Test("a whole extension object replaced with its own schemas inside the value")
    func extensionWithSchemas() throws {
        let result = try roundTrip(
            #"{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"employeeNumber":"7","department":"d","manager":{"value":"u2","$ref":"http://127.0.0.1/scim/v2/Users/u2"}}}"#,
            on: json(#"{"id":"u1","userName":"x"}"#), type: TestSchemas.user)
        #expect(result[attribute: SchemaURN.enterpriseUser] == [
            "employeeNumber": "7", "department": "d", "manager": ["value": "u2", "$ref": "http://127.0.0.1/scim/v2/Users/u2"],
        ])
        let created = try ResourceValidator().normalizeForCreate(
            json(#"{"userName":"x","urn:scim-callout:schemas:extension:nats:1.0:User":{"schemas":["urn:scim-callout:schemas:extension:nats:1.0:User"],"tags":"a"}}"#),
            type: TestSchemas.user)
        #expect(created.resource[attribute: SchemaURN.natsUser] == ["tags": "a"])
    }

    @Test(
        "every writable User attribute added by path comes back as sent",
        arguments: [
            #"{"op":"add","path":"externalId","value":"e-1"}"#,
            #"{"op":"add","path":"nickName","value":"n"}"#,
            #"{"op":"add","path":"profileUrl","value":"https://a.test"}"#,
            #"{"op":"add","path":"active","value":false}"#,
            #"{"op":"add","path":"name","value":{"formatted":"f","familyName":"a","givenName":"b","middleName":"c","honorificPrefix":"d","honorificSuffix":"e"}}"#,
            #"{"op":"add","path":"emails","value":[{"value":"a@b.com","display":"d","type":"work","primary":true}]}"#,
            #"{"op":"add","path":"phoneNumbers","value":[{"value":"0123456789","type":"work","primary":true}]}"#,
            #"{"op":"add","path":"photos","value":[{"value":"https://p.test","type":"photo","primary":true}]}"#,
            #"{"op":"add","path":"addresses","value":[{"formatted":"f","streetAddress":"s","locality":"l","region":"r","postalCode":"p","country":"DE","type":"work","primary":true}]}"#,
            #"{"op":"add","path":"x509Certificates","value":[{"value":"AAECAwQFBgcICQoLDA0ODw==","primary":true}]}"#,
            #"{"op":"add","path":"urn:scim-callout:schemas:extension:nats:1.0:User:nkeys","value":"6f1c2b9e-9d7f-4f59-9c1b-3f1c1b9e9d7f"}"#,
            #"{"op":"add","path":"urn:scim-callout:schemas:extension:nats:1.0:User:tags","value":"env:prod, team:payments"}"#,
            #"{"op":"add","path":"urn:scim-callout:schemas:extension:nats:1.0:User:jwtLifetimeSeconds","value":2147483647}"#,
            #"{"op":"replace","path":"userName","value":"other"}"#,
            #"{"op":"replace","path":"roles","value":[{"value":"r","type":"t","display":"d","primary":true}]}"#,
        ]
    )
    func addsComeBack(operation: String) throws {
        let operationJSON = json(operation)
        let path = try AttributePath.parse(try #require(operationJSON[attribute: "path"]?.stringValue))
        let result = try roundTrip(operation, on: json(#"{"id":"u1","userName":"x"}"#), type: TestSchemas.user)
        let container = path.schema.flatMap { TestSchemas.user.extensionSchema(urn: $0) }.map { result[attribute: $0.id] } ?? result
        #expect(container?[attribute: path.attribute] == operationJSON[attribute: "value"])
    }

    @Test("adding nkeys to a user whose NATS extension is already set replaces the string (the tester's check_add_attribute)")
    func addReplacesNKeys() throws {
        let existing = try roundTrip(
            #"{"op":"add","path":"urn:scim-callout:schemas:extension:nats:1.0:User","value":{"nkeys":"UOLD","tags":"a b"}}"#,
            on: json(#"{"id":"u1","userName":"x"}"#), type: TestSchemas.user)
        let result = try roundTrip(
            #"{"op":"add","path":"urn:scim-callout:schemas:extension:nats:1.0:User:nkeys","value":"UNEW1 UNEW2"}"#,
            on: existing, type: TestSchemas.user)
        #expect(result[attribute: SchemaURN.natsUser] == ["nkeys": "UNEW1 UNEW2", "tags": "a b"])
    }

    @Test("group members added with ids and types come back exactly, without display or $ref")
    func members() throws {
        let result = try roundTrip(
            #"{"op":"add","path":"members","value":[{"value":"5e1b5b6c","type":"User"}]}"#,
            on: json(#"{"id":"g","displayName":"G"}"#), type: TestSchemas.group)
        #expect(result[attribute: "members"] == [["value": "5e1b5b6c", "type": "User"]])
        let removed = try roundTrip(#"{"op":"remove","path":"members"}"#, on: result, type: TestSchemas.group)
        #expect(removed[attribute: "members"] == nil)
    }
}

@Suite("PATCH fuzzing")
struct PatchFuzzTests {
    static let paths = [
        "userName", "name.givenName", "emails", #"emails[type eq "work"].value"#, #"emails[type eq "work"]"#,
        "members", #"members[value eq "a"]"#, "active", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "id", "meta.version", "groups",
        "x509Certificates", "nosuch", "emails[", "displayName", "password", "addresses[type eq \"home\"].country",
    ]
    static let values: [JSONValue] = [
        nil, true, "False", 7, 1.5, "text", [], [["value": "a"]], [["value": "b", "type": "work", "primary": true]],
        ["givenName": "g"], ["active": false, "id": "x"], ["name.familyName": "f"], [[1, 2]], ["value": nil],
    ]

    /// Random operation lists over valid and invalid paths and values: each request either
    /// applies and validates, or fails with a 400 SCIMError (never a crash, never a 500).
    @Test("random PATCH requests never crash; failures are 400s")
    func fuzz() {
        var generator = SeededGenerator(seed: 7)
        let user = json(#"{"id":"u","userName":"x","emails":[{"value":"a@b","type":"work"}]}"#)
        let group = json(#"{"id":"g","displayName":"G","members":[{"value":"a"}]}"#)
        var applied = 0
        var rejected = 0
        for _ in 0..<3000 {
            let type = Bool.random(using: &generator) ? TestSchemas.user : TestSchemas.group
            let count = Int.random(in: 1...4, using: &generator)
            let operations = (0..<count).map { _ -> PatchOperation in
                let kind = PatchOperation.Kind.allCases.randomElement(using: &generator) ?? .add
                let path = Bool.random(using: &generator) ? nil : try? AttributePath.parse(Self.paths.randomElement(using: &generator) ?? "")
                return PatchOperation(op: kind, path: path, value: Self.values.randomElement(using: &generator))
            }
            let resource = type == TestSchemas.user ? user : group
            do {
                let patched = try PatchEngine().apply(PatchRequest(operations: operations), to: resource, type: type)
                _ = try ResourceValidator().normalizeForPatch(patched, existing: resource, type: type)
                applied += 1
            } catch {
                #expect(error.status == 400)
                rejected += 1
            }
        }
        #expect(applied > 100 && rejected > 100)
    }
}
