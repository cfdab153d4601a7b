import Testing

@testable import SCIM

private func expectSCIMError(
    _ type: SCIMError.ScimType, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(sourceLocation: sourceLocation) {
        try body()
    } throws: { error in
        (error as? SCIMError)?.scimType == type && (error as? SCIMError)?.status == 400
    }
}

@Suite("ResourceValidator")
struct ResourceValidatorTests {
    let validator = ResourceValidator()

    @Test("Okta's create body: password taken out, groups [] dropped, schemas set")
    func oktaCreate() throws {
        // Shape from Okta's SCIM 2.0 Protocol Reference, "Create the User".
        let body = json(
            #"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "test.user@okta.local",
              "name": {"givenName": "Test", "familyName": "User"},
              "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
              "displayName": "Test User",
              "locale": "en-US",
              "externalId": "00ujl29u0le5T6Aj10h7",
              "groups": [],
              "password": "1mz050nq",
              "active": true
            }
            """#)
        let normalized = try validator.normalizeForCreate(body, type: TestSchemas.user)
        #expect(normalized.password == "1mz050nq")
        #expect(normalized.resource[attribute: "password"] == nil)
        #expect(normalized.resource[attribute: "groups"] == nil)
        #expect(normalized.resource[attribute: "externalId"] == "00ujl29u0le5T6Aj10h7")
        #expect(normalized.resource[attribute: "schemas"] == [.string(SchemaURN.user)])
        #expect(!"\(normalized)".contains("1mz050nq"))
        #expect(!String(reflecting: normalized).contains("1mz050nq"))
    }

    @Test("coercion follows the declared type")
    func coercion() throws {
        let body = json(
            #"""
            {
              "userName": "u",
              "active": "False",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7"},
              "urn:scim-callout:schemas:extension:nats:1.0:User": {
                "jwtLifetimeSeconds": "300", "tags": ["solo"], "nkeys": "UA, UB UA"}
            }
            """#)
        let resource = try validator.normalizeForCreate(body, type: TestSchemas.user).resource
        #expect(resource[attribute: "active"] == false)
        #expect(resource[attribute: SchemaURN.enterpriseUser] == ["employeeNumber": "7"])
        // nkeys/tags are single-valued lists-in-a-string: kept verbatim; a one-element array is unwrapped.
        #expect(resource[attribute: SchemaURN.natsUser] == ["jwtLifetimeSeconds": 300, "tags": "solo", "nkeys": "UA, UB UA"])
        #expect(resource[attribute: "schemas"] == [.string(SchemaURN.user), .string(SchemaURN.enterpriseUser), .string(SchemaURN.natsUser)])
    }

    @Test("NATS nkeys sent as a multi-valued array are rejected with a message naming the attribute")
    func nkeysArrayRejected() throws {
        let body = json(#"{"userName":"u","urn:scim-callout:schemas:extension:nats:1.0:User":{"nkeys":["UA","UB"]}}"#)
        let error = try #require(throws: SCIMError.self) {
            try validator.normalizeForCreate(body, type: TestSchemas.user)
        }
        #expect(error.status == 400 && error.scimType == .invalidValue && error.detail.contains("nkeys"))
    }

    @Test("attribute names are stored in canonical casing; URN-qualified core keys are placed")
    func canonicalNames() throws {
        let body = json(
            #"{"USERNAME":"u","Emails":[{"VALUE":"a@b","Type":"work"}],"urn:ietf:params:scim:schemas:core:2.0:User:displayName":"D","NAME":{"GIVENNAME":"g"}}"#)
        let resource = try validator.normalizeForCreate(body, type: TestSchemas.user).resource
        #expect(resource == [
            "schemas": [.string(SchemaURN.user)], "userName": "u", "emails": [["value": "a@b", "type": "work"]],
            "displayName": "D", "name": ["givenName": "g"],
        ])
    }

    @Test("readOnly attributes echoed by clients are dropped")
    func readOnlyDropped() throws {
        let body = json(
            #"{"id":"client-chosen","meta":{"version":"W/\"x\""},"userName":"u","groups":[{"value":"g1"}]}"#)
        let resource = try validator.normalizeForCreate(body, type: TestSchemas.user).resource
        #expect(resource == ["schemas": [.string(SchemaURN.user)], "userName": "u"])
        let group = json(#"{"displayName":"G","members":[{"value":"u1","display":"User One","$ref":"https://x/Users/u1"}]}"#)
        #expect(try validator.normalizeForCreate(group, type: TestSchemas.group).resource[attribute: "members"] == [["value": "u1"]])
    }

    @Test(
        "bad documents are 400 errors with the right scimType",
        arguments: [
            (#"[]"#, SCIMError.ScimType.invalidSyntax),
            (#""user""#, .invalidSyntax),
            (#"{"displayName":"no userName"}"#, .invalidValue),
            (#"{"userName":null}"#, .invalidValue),
            (#"{"userName":"u","nosuch":1}"#, .invalidValue),
            (#"{"userName":"u","urn:example:unknown:User":{"a":1}}"#, .invalidValue),
            (#"{"userName":"u","schemas":["urn:example:unknown"]}"#, .invalidValue),
            (#"{"userName":"u","schemas":"urn:ietf:params:scim:schemas:core:2.0:User"}"#, .invalidValue),
            (#"{"userName":["a","b"]}"#, .invalidValue),
            (#"{"userName":7}"#, .invalidValue),
            (#"{"userName":"u","active":"maybe"}"#, .invalidValue),
            (#"{"userName":"u","name":"Barbara"}"#, .invalidValue),
            (#"{"userName":"u","name":{"nosuch":"x"}}"#, .invalidValue),
            (#"{"userName":"u","password":12345}"#, .invalidValue),
            (#"{"userName":"u","x509Certificates":[{"value":"not base64!"}]}"#, .invalidValue),
            (#"{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}"#, .invalidValue),
            (#"{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"nosuch":1}}"#, .invalidValue),
            (#"{"userName":"u","urn:scim-callout:schemas:extension:nats:1.0:User":{"jwtLifetimeSeconds":"soon"}}"#, .invalidValue),
            (#"{"userName":"u","urn:scim-callout:schemas:extension:nats:1.0:User":{"jwtLifetimeSeconds":1.5}}"#, .invalidValue),
        ]
    )
    func rejects(body: String, scimType: SCIMError.ScimType) {
        expectSCIMError(scimType) { _ = try validator.normalizeForCreate(json(body), type: TestSchemas.user) }
    }

    @Test("a group needs displayName and member values")
    func groupRequired() {
        expectSCIMError(.invalidValue) { _ = try validator.normalizeForCreate(json(#"{"members":[]}"#), type: TestSchemas.group) }
        expectSCIMError(.invalidValue) {
            _ = try validator.normalizeForCreate(json(#"{"displayName":"G","members":[{"type":"User"}]}"#), type: TestSchemas.group)
        }
    }

    @Test("PUT that omits active or members keeps them; explicit values replace them")
    func replaceKeeps() throws {
        let existingUser = json(#"{"id":"1","userName":"u","active":false,"title":"T"}"#)
        // Okta's PUT shape (profile update) without `active`.
        let put = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"u","displayName":"New","groups":[]}"#)
        let replaced = try validator.normalizeForReplace(put, existing: existingUser, type: TestSchemas.user).resource
        #expect(replaced[attribute: "active"] == false)
        #expect(replaced[attribute: "title"] == nil)  // PUT clears what it omits
        #expect(replaced[attribute: "displayName"] == "New")
        let activate = json(#"{"userName":"u","active":true}"#)
        #expect(try validator.normalizeForReplace(activate, existing: existingUser, type: TestSchemas.user).resource[attribute: "active"] == true)

        let existingGroup = json(#"{"id":"g","displayName":"G","members":[{"value":"u1"}]}"#)
        let rename = try validator.normalizeForReplace(json(#"{"displayName":"H"}"#), existing: existingGroup, type: TestSchemas.group)
        #expect(rename.resource[attribute: "members"] == [["value": "u1"]])
        let cleared = try validator.normalizeForReplace(json(#"{"displayName":"H","members":[]}"#), existing: existingGroup, type: TestSchemas.group)
        #expect(cleared.resource[attribute: "members"] == nil)
    }

    @Test("immutable attributes may be set once but not changed")
    func immutable() throws {
        let schema = Schema(id: "urn:example:Thing", name: "Thing", attributes: [
            SchemaAttribute(name: "name", type: .string, required: true),
            SchemaAttribute(name: "serial", type: .string, mutability: .immutable),
        ])
        let type = ResourceTypeDefinition(id: "Thing", name: "Thing", endpoint: "/Things", schema: schema)
        let existing = json(#"{"name":"a","serial":"S1"}"#)
        let kept = try validator.normalizeForReplace(json(#"{"name":"b"}"#), existing: existing, type: type)
        #expect(kept.resource[attribute: "serial"] == "S1")
        _ = try validator.normalizeForReplace(json(#"{"name":"b","serial":"S1"}"#), existing: existing, type: type)
        expectSCIMError(.mutability) {
            _ = try validator.normalizeForReplace(json(#"{"name":"b","serial":"S2"}"#), existing: existing, type: type)
        }
        let patched = try PatchEngine().apply(
            PatchRequest(operations: [PatchOperation(op: .replace, path: AttributePath(attribute: "serial"), value: "S3")]),
            to: existing, type: type)
        expectSCIMError(.mutability) { _ = try validator.normalizeForPatch(patched, existing: existing, type: type) }
        let setOnce = try PatchEngine().apply(
            PatchRequest(operations: [PatchOperation(op: .add, path: AttributePath(attribute: "serial"), value: "S9")]),
            to: json(#"{"name":"a"}"#), type: type)
        #expect(try validator.normalizeForPatch(setOnce, existing: json(#"{"name":"a"}"#), type: type).resource[attribute: "serial"] == "S9")
    }

    @Test("a group created with 20,000 members (some repeated) keeps each once, in order")
    func largeGroup() throws {
        let members = (0..<20_000).map { JSONValue.object(["value": .string("m\($0 % 15_000)")]) }
        let body: JSONValue = ["displayName": "Everyone", "members": .array(members)]
        let resource = try validator.normalizeForCreate(body, type: TestSchemas.group).resource
        let values = resource[attribute: "members"]?.arrayValue?.compactMap { $0[attribute: "value"]?.stringValue }
        #expect(values?.count == 15_000)
        #expect(values?.first == "m0" && values?.last == "m14999")
    }
}
