import Testing

@testable import SCIM

/// Applies a PatchOp body (as JSON text) to a resource and validates the result the way the
/// store does.
private func patch(_ body: String, _ resource: JSONValue, type: ResourceTypeDefinition = TestSchemas.user)
    throws(SCIMError) -> JSONValue
{
    let request = try PatchRequest(bytes: Array(body.utf8))
    let patched = try PatchEngine().apply(request, to: resource, type: type)
    _ = try ResourceValidator().normalizeForPatch(patched, existing: resource, type: type)
    return patched
}

private func expectSCIMError(_ type: SCIMError.ScimType, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(sourceLocation: sourceLocation) {
        try body()
    } throws: { error in
        (error as? SCIMError)?.scimType == type
    }
}

private let user = json(
    #"""
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "id": "2819c223-7f76-453a-919d-413861904646",
      "userName": "bjensen",
      "name": {"familyName": "Jensen", "givenName": "Barbara"},
      "displayName": "Babs Jensen",
      "active": true,
      "emails": [
        {"value": "bjensen@example.com", "type": "work", "primary": true},
        {"value": "babs@jensen.org", "type": "home"}
      ],
      "addresses": [{"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood"}],
      "meta": {"resourceType": "User", "version": "W/\"1\""}
    }
    """#
)

private let group = json(
    #"""
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
      "displayName": "Tour Guides",
      "members": [
        {"value": "2819c223-7f76-453a-919d-413861904646", "type": "User"},
        {"value": "902c246b-6245-4190-8e05-00816be7344a", "type": "User"}
      ]
    }
    """#
)

private let patchOp = #""schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]"#

@Suite("PATCH engine: RFC 7644 §3.5.2 examples")
struct PatchRFCTests {
    @Test("§3.5.2.1 add a member")
    func addMember() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"add","path":"members","value":[{"display":"Babs Jensen","$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"},{"value":"new-member"}]}]}"#,
            group, type: TestSchemas.group)
        #expect(result[attribute: "members"]?.arrayValue?.map { $0[attribute: "value"] } == [
            "2819c223-7f76-453a-919d-413861904646", "902c246b-6245-4190-8e05-00816be7344a", "new-member",
        ])
    }

    @Test("§3.5.2.1 add without path merges attributes")
    func addWithoutPath() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"},{"value":"third@x.org","type":"other"}],"nickname":"Babs"}}]}"#,
            user)
        #expect(result[attribute: "nickName"] == "Babs")
        #expect(result.objectValue?.keys.contains("nickName") == true)  // canonical casing
        #expect(result[attribute: "emails"]?.arrayValue?.count == 3)  // existing home email not duplicated
    }

    @Test("§3.5.2.2 remove a single member by filter")
    func removeMemberByFilter() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]}"#,
            group, type: TestSchemas.group)
        #expect(result[attribute: "members"] == [["type": "User", "value": "902c246b-6245-4190-8e05-00816be7344a"]])
    }

    @Test("§3.5.2.2 remove all members")
    func removeAllMembers() throws {
        let result = try patch(#"{\#(patchOp), "Operations": [{"op":"remove","path":"members"}]}"#, group, type: TestSchemas.group)
        #expect(result[attribute: "members"] == nil)
        #expect(result[attribute: "displayName"] == "Tour Guides")
    }

    @Test("§3.5.2.2 remove by a complex filter")
    func removeByComplexFilter() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}]}"#, user)
        #expect(result[attribute: "emails"] == [["value": "babs@jensen.org", "type": "home"]])
    }

    @Test("§3.5.2.2 remove all members then add two")
    func removeThenAdd() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"display":"Babs","value":"2819c223"},{"display":"James","value":"08e1d05d"}]}]}"#,
            group, type: TestSchemas.group)
        #expect(result[attribute: "members"] == [["value": "2819c223"], ["value": "08e1d05d"]])
    }

    @Test("§3.5.2.3 replace all members")
    func replaceMembers() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"replace","path":"members","value":[{"display":"Babs","value":"2819c223"},{"display":"James","value":"08e1d05d"}]}]}"#,
            group, type: TestSchemas.group)
        #expect(result[attribute: "members"] == [["value": "2819c223"], ["value": "08e1d05d"]])
    }

    @Test("§3.5.2.3 replace a filtered complex value")
    func replaceFilteredValue() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"replace","path":"addresses[type eq \"work\"]","value":{"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608","country":"US","formatted":"911 Universal City Plaza\nHollywood, CA 91608 US","primary":true}}]}"#,
            user)
        let address = try #require(result[attribute: "addresses"]?.arrayValue?.first)
        #expect(address[attribute: "streetAddress"] == "911 Universal City Plaza")
        #expect(address[attribute: "primary"] == true)
        #expect(result[attribute: "addresses"]?.arrayValue?.count == 1)
    }

    @Test("§3.5.2.3 replace a sub-attribute of a filtered value")
    func replaceFilteredSubAttribute() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1010 Broadway Ave"}]}"#,
            user)
        #expect(result[attribute: "addresses"] == [["type": "work", "streetAddress": "1010 Broadway Ave", "locality": "Hollywood"]])
    }

    @Test("§3.5.2.3 replace without path")
    func replaceWithoutPath() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"replace","value":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}]}"#,
            user)
        #expect(result[attribute: "nickName"] == "Babs")
        #expect(result[attribute: "emails"]?.arrayValue?.count == 2)
    }

    @Test("replace of a complex attribute keeps unspecified sub-attributes (§3.5.2.3)")
    func replaceComplexMerges() throws {
        let result = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"name","value":{"givenName":"Babs"}}]}"#, user)
        #expect(result[attribute: "name"] == ["familyName": "Jensen", "givenName": "Babs"])
    }

    @Test("replace of a missing attribute adds it; replace with null removes it")
    func replaceMissing() throws {
        let added = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"title","value":"Guide"}]}"#, user)
        #expect(added[attribute: "title"] == "Guide")
        let removed = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"displayName","value":null}]}"#, user)
        #expect(removed[attribute: "displayName"] == nil)
    }

    @Test("operations apply in order")
    func order() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"replace","path":"title","value":"A"},{"op":"replace","path":"title","value":"B"},{"op":"remove","path":"nickName"}]}"#,
            user)
        #expect(result[attribute: "title"] == "B")
    }

    @Test("add of a primary value clears the previous primary")
    func primary() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"add","path":"emails","value":[{"value":"new@x.org","type":"other","primary":true}]}]}"#,
            user)
        let primaries = result[attribute: "emails"]?.arrayValue?.filter { $0[attribute: "primary"] == true }
        #expect(primaries == [["value": "new@x.org", "type": "other", "primary": true]])
    }

    @Test("extension attributes by full path, and the whole extension object")
    func extensionPaths() throws {
        let result = try patch(
            #"{\#(patchOp), "Operations": [{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"26118915"},{"op":"add","path":"urn:scim-callout:schemas:extension:nats:1.0:User","value":{"tags":"ops, eu","jwtLifetimeSeconds":"300"}}]}"#,
            user)
        #expect(result[attribute: SchemaURN.enterpriseUser] == ["manager": ["value": "26118915"]])
        #expect(result[attribute: SchemaURN.natsUser] == ["tags": "ops, eu", "jwtLifetimeSeconds": 300])
        let removed = try patch(
            #"{\#(patchOp), "Operations": [{"op":"remove","path":"urn:scim-callout:schemas:extension:nats:1.0:User:tags"}]}"#, result)
        #expect(removed[attribute: SchemaURN.natsUser] == ["jwtLifetimeSeconds": 300])
        let normalized = try ResourceValidator().normalizeForPatch(removed, existing: result, type: TestSchemas.user)
        #expect(normalized.resource[attribute: "schemas"]?.arrayValue?.count == 3)
    }

    @Test("the patch is atomic: a failing later operation leaves no result")
    func atomic() throws {
        let engine = PatchEngine()
        let request = try PatchRequest(
            bytes: Array(#"{\#(patchOp), "Operations": [{"op":"replace","path":"title","value":"A"},{"op":"replace","path":"nosuch","value":"B"}]}"#.utf8))
        #expect(throws: SCIMError.self) { try engine.apply(request, to: user, type: TestSchemas.user) }
    }
}

@Suite("PATCH engine: errors")
struct PatchErrorTests {
    @Test("remove without path is noTarget")
    func removeWithoutPath() {
        expectSCIMError(.noTarget) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"remove"}]}"#, user) }
    }

    @Test("replace with a value filter that matches nothing is noTarget")
    func replaceNoMatch() {
        expectSCIMError(.noTarget) {
            _ = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"emails[type eq \"other\"].value","value":"x@y"}]}"#, user)
        }
    }

    @Test("remove with a value filter that matches nothing succeeds unchanged (retries are idempotent)")
    func removeNoMatch() throws {
        let result = try patch(#"{\#(patchOp), "Operations": [{"op":"remove","path":"emails[type eq \"other\"]"}]}"#, user)
        #expect(result == user)
    }

    @Test("unknown attributes and malformed paths are invalidPath")
    func invalidPaths() {
        expectSCIMError(.invalidPath) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"nosuch","value":"x"}]}"#, user) }
        expectSCIMError(.invalidPath) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"emails[type eq","value":"x"}]}"#, user) }
        expectSCIMError(.invalidPath) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"userName[value eq \"x\"]","value":"x"}]}"#, user) }
        expectSCIMError(.invalidPath) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"emails[nosuch eq \"x\"].value","value":"x"}]}"#, user) }
        expectSCIMError(.invalidPath) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":42,"value":"x"}]}"#, user) }
    }

    @Test("explicit paths to readOnly attributes are mutability errors")
    func readOnly() {
        expectSCIMError(.mutability) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"id","value":"other"}]}"#, user) }
        expectSCIMError(.mutability) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"groups","value":[{"value":"g"}]}]}"#, user) }
        expectSCIMError(.mutability) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"meta.version","value":"1"}]}"#, user) }
    }

    @Test("removing a required attribute fails validation")
    func required() {
        expectSCIMError(.invalidValue) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"remove","path":"userName"}]}"#, user) }
    }

    @Test("wrong value types are invalidValue")
    func wrongTypes() {
        expectSCIMError(.invalidValue) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"active","value":"maybe"}]}"#, user) }
        expectSCIMError(.invalidValue) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","path":"userName","value":7}]}"#, user) }
        expectSCIMError(.invalidValue) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"emails","value":[{"value":5}]}]}"#, user) }
        expectSCIMError(.invalidValue) {
            _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"members","value":[{"type":"User"}]}]}"#, group, type: TestSchemas.group)
        }
        expectSCIMError(.invalidValue) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","value":{"nosuch":1}}]}"#, user) }
        expectSCIMError(.invalidValue) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"replace","value":"not an object"}]}"#, user) }
        expectSCIMError(.invalidValue) { _ = try patch(#"{\#(patchOp), "Operations": [{"op":"add","path":"title"}]}"#, user) }
    }

    @Test(
        "malformed PatchOp messages are invalidSyntax",
        arguments: [
            "[]", "{}", #"{"Operations": []}"#, #"{"Operations": {}}"#, #"{"Operations": [1]}"#,
            #"{"Operations": [{"op":"move","path":"title"}]}"#, #"{"Operations": [{"path":"title"}]}"#,
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations": [{"op":"add","path":"title","value":"x"}]}"#,
            #"{"Operations": [{"op":"add","path":"title","value":"x"}"#,
        ]
    )
    func malformed(body: String) {
        expectSCIMError(.invalidSyntax) { _ = try PatchRequest(bytes: Array(body.utf8)) }
    }
}
