import Testing

@testable import SCIM

// Request bodies below follow the shapes published in Microsoft Learn ("Tutorial: Develop and
// plan provisioning for a SCIM endpoint in Microsoft Entra ID", section "Update User"/"Update
// Group", and "Known issues and resolutions with SCIM 2.0 protocol compliance") and in Okta's
// "SCIM 2.0 Protocol Reference" (developer.okta.com, "Update a specific User (PATCH)",
// "Update a specific Group name", "Update specific Group membership"). Ids are the docs'
// example ids or made up.

private let entraUser = json(
    #"""
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "id": "48af03ac28ad4fb88478",
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com",
      "active": true,
      "displayName": "Test User",
      "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b@testuser.com"}],
      "name": {"familyName": "familyName", "givenName": "givenName"},
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "1", "department": "Sales"}
    }
    """#
)

private let oktaGroup = json(
    #"""
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      "id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
      "displayName": "Test SCIMv2",
      "members": [{"value": "89bb1940-b905-4575-9e7f-6f887cfb368e"}]
    }
    """#
)

private func apply(_ body: String, to resource: JSONValue, type: ResourceTypeDefinition = TestSchemas.user)
    throws(SCIMError) -> JSONValue
{
    let patched = try PatchEngine().apply(PatchRequest(bytes: Array(body.utf8)), to: resource, type: type)
    return try ResourceValidator().normalizeForPatch(patched, existing: resource, type: type).resource
}

@Suite("PATCH engine: Microsoft Entra shapes")
struct PatchEntraTests {
    @Test("Update User [multi-valued properties]: replace emails[type eq work].value and name.familyName")
    func multiValued() throws {
        let result = try apply(
            #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [
               {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
               {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}]}
            """#, to: entraUser)
        #expect(result[attribute: "emails"] == [["primary": true, "type": "work", "value": "updatedEmail@microsoft.com"]])
        #expect(result[attribute: "name"] == ["familyName": "updatedFamilyName", "givenName": "givenName"])
    }

    @Test("Disable User: Replace active false, and the boolean sent as the string \"False\"")
    func disable() throws {
        for value in ["false", #""False""#, #""FALSE""#] {
            let result = try apply(
                #"{"Operations": [{"op": "Replace", "path": "active", "value": \#(value)}], "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}"#,
                to: entraUser)
            #expect(result[attribute: "active"] == false)
        }
        let enabled = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}"#,
            to: entraUser)
        #expect(enabled[attribute: "active"] == true)
    }

    @Test("no-path replace with dotted and URN-qualified keys")
    func noPathDottedKeys() throws {
        let result = try apply(
            #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "value": {
                "displayName": "Pvqmhdcekavw",
                "name.givenName": "Laqpgf",
                "name.familyName": "Odpmoi",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "7",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "Aaaaaa"}}]}
            """#, to: entraUser)
        #expect(result[attribute: "displayName"] == "Pvqmhdcekavw")
        #expect(result[attribute: "name"] == ["givenName": "Laqpgf", "familyName": "Odpmoi"])
        // "7" stays a string: employeeNumber is a string attribute.
        #expect(result[attribute: SchemaURN.enterpriseUser] == [
            "employeeNumber": "7", "department": "Sales", "manager": ["value": "Aaaaaa"],
        ])
    }

    @Test("Add to emails[type eq work].value when no work email exists creates it")
    func filteredAddCreates() throws {
        var withoutWork = entraUser
        withoutWork[attribute: "emails"] = [["type": "home", "value": "h@x.org"]]
        let result = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"emails[type eq \"work\"].value","value":"w@x.org"}]}"#,
            to: withoutWork)
        #expect(result[attribute: "emails"] == [["type": "home", "value": "h@x.org"], ["type": "work", "value": "w@x.org"]])
        withoutWork[attribute: "emails"] = nil
        let fromNothing = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"emails[type eq \"work\"].value","value":"w@x.org"}]}"#,
            to: withoutWork)
        #expect(fromNothing[attribute: "emails"] == [["type": "work", "value": "w@x.org"]])
    }

    @Test("Add and Replace are interchangeable for single-valued attributes")
    func addReplacesSingleValued() throws {
        let result = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"displayName","value":"New"},{"op":"Add","path":"name.givenName","value":"G"}]}"#,
            to: entraUser)
        #expect(result[attribute: "displayName"] == "New")
        #expect(result[attribute: "name"]?[attribute: "givenName"] == "G")
    }

    @Test("manager set by a bare id or a one-element value list")
    func manager() throws {
        let bare = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"2819c223"}]}"#,
            to: entraUser)
        #expect(bare[attribute: SchemaURN.enterpriseUser]?[attribute: "manager"] == ["value": "2819c223"])
        let listed = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"manager","value":[{"$ref":null,"value":"2819c223"}]}]}"#,
            to: entraUser)
        #expect(listed[attribute: SchemaURN.enterpriseUser]?[attribute: "manager"] == ["value": "2819c223"])
    }

    @Test("Update Group [Add Members] and [Remove Members] with a value list")
    func members() throws {
        let group = json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g","displayName":"G","members":[{"value":"a"},{"value":"b"}]}"#)
        let added = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"}]}]}"#,
            to: group, type: TestSchemas.group)
        #expect(added[attribute: "members"] == [["value": "a"], ["value": "b"], ["value": "f648f8d5ea4e4cd38e9c"]])
        let removed = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"a"}]}]}"#,
            to: added, type: TestSchemas.group)
        // The value list selects what to remove; it never means "remove all".
        #expect(removed[attribute: "members"] == [["value": "b"], ["value": "f648f8d5ea4e4cd38e9c"]])
        let request = try PatchRequest(
            bytes: Array(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"a"}]}]}"#.utf8))
        #expect(try PatchEngine().memberChanges(in: request, type: TestSchemas.group) == [.remove(["a"])])
        let emptySelector = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[]}]}"#,
            to: added, type: TestSchemas.group)
        #expect(emptySelector[attribute: "members"] == added[attribute: "members"])
    }

    @Test("Update Group [Attributes]: Replace displayName")
    func groupRename() throws {
        let result = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]}"#,
            to: oktaGroup, type: TestSchemas.group)
        #expect(result[attribute: "displayName"] == "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName")
        #expect(result[attribute: "members"] == oktaGroup[attribute: "members"])
    }
}

@Suite("PATCH engine: Okta and other IdP shapes")
struct PatchOktaTests {
    @Test("deactivate with a no-path replace {active: false}")
    func deactivate() throws {
        let result = try apply(
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}"#,
            to: entraUser)
        #expect(result[attribute: "active"] == false)
        #expect(result[attribute: "userName"] == entraUser[attribute: "userName"])
    }

    @Test("group rename repeats the readOnly id in the value; it is ignored")
    func renameWithID() throws {
        let result = try apply(
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "displayName": "Test SCIMv2 renamed"}}]}"#,
            to: oktaGroup, type: TestSchemas.group)
        #expect(result[attribute: "displayName"] == "Test SCIMv2 renamed")
        let echoingOtherReadOnly = try apply(
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"id": "zzz", "meta": {"version": "W/\"9\""}, "groups": [], "active": false}}]}"#,
            to: entraUser)
        #expect(echoingOtherReadOnly[attribute: "active"] == false)
    }

    @Test("membership by remove members[value eq …] then add members")
    func membership() throws {
        let body = #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [
               {"op": "remove", "path": "members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},
               {"op": "add", "path": "members", "value": [{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}]}]}
            """#
        let result = try apply(body, to: oktaGroup, type: TestSchemas.group)
        #expect(result[attribute: "members"] == [["value": "23a35c27-23d3-4c03-b4c5-6443c09e7173"]])
        let split = try PatchEngine().splitMembership(PatchRequest(bytes: Array(body.utf8)), type: TestSchemas.group)
        #expect(split.memberChanges == [
            .remove(["89bb1940-b905-4575-9e7f-6f887cfb368e"]),
            .add([GroupMember(value: "23a35c27-23d3-4c03-b4c5-6443c09e7173")]),
        ])
        #expect(split.remainder == nil)
    }

    @Test("the same member added again changes nothing (JumpCloud)")
    func idempotentAdd() throws {
        let body = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"89bb1940-b905-4575-9e7f-6f887cfb368e"}]}]}"#
        let once = try apply(body, to: oktaGroup, type: TestSchemas.group)
        let twice = try apply(body, to: once, type: TestSchemas.group)
        #expect(once[attribute: "members"] == oktaGroup[attribute: "members"])
        #expect(twice == once)
    }

    @Test("member ids the store does not know are accepted (the store resolves them)")
    func unknownMembers() throws {
        let result = try apply(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"not-provisioned-yet","type":"User"}]}]}"#,
            to: oktaGroup, type: TestSchemas.group)
        #expect(result[attribute: "members"]?.arrayValue?.last == ["value": "not-provisioned-yet", "type": "User"])
    }

    @Test("large groups: a 150-member delta splits from the rename without loading members")
    func largeDelta() throws {
        let adds = (0..<150).map { #"{"value":"user-\#($0)"}"# }.joined(separator: ",")
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"replace","value":{"displayName":"Big","members":[\#(adds)]}},
                           {"op":"remove","path":"members[value eq \"user-3\" or value eq \"user-4\"]"},
                           {"op":"remove","path":"members[type eq \"Group\"]"}]}
            """#
        let split = try PatchEngine().splitMembership(PatchRequest(bytes: Array(body.utf8)), type: TestSchemas.group)
        #expect(split.memberChanges.count == 3)
        guard case .replaceAll(let members) = split.memberChanges.first else {
            Issue.record("expected replaceAll first, got \(split.memberChanges)")
            return
        }
        #expect(members.count == 150)
        #expect(split.memberChanges[1] == .remove(["user-3", "user-4"]))
        #expect(split.memberChanges[2] == .removeMatching(try Filter.parse(#"type eq "Group""#)))
        #expect(split.remainder?.operations == [PatchOperation(op: .replace, value: ["displayName": "Big"])])
        // The same request applied in memory gives the same membership.
        let groupWithoutMembers = json(#"{"id":"g","displayName":"Old"}"#)
        let result = try apply(body, to: groupWithoutMembers, type: TestSchemas.group)
        #expect(result[attribute: "members"]?.arrayValue?.count == 148)
        #expect(result[attribute: "displayName"] == "Big")
    }

    @Test("member sub-attribute edits and filtered member adds are rejected, not ignored")
    func unsupportedMemberOps() {
        for body in [
            #"{"Operations":[{"op":"replace","path":"members[value eq \"a\"].value","value":"b"}]}"#,
            #"{"Operations":[{"op":"add","path":"members[value eq \"a\"]","value":{"value":"a"}}]}"#,
            #"{"Operations":[{"op":"remove","path":"members[nosuch eq \"a\"]"}]}"#,
        ] {
            #expect(throws: SCIMError.self) { _ = try apply(body, to: oktaGroup, type: TestSchemas.group) }
        }
    }

    @Test("op is accepted in any case", arguments: ["add", "Add", "ADD", "aDd"])
    func opCase(op: String) throws {
        let result = try apply(
            #"{"Operations":[{"op":"\#(op)","path":"title","value":"T"}]}"#, to: entraUser)
        #expect(result[attribute: "title"] == "T")
    }

    @Test("password set by PATCH is taken out for hashing and never left in the document")
    func password() throws {
        let patched = try PatchEngine().apply(
            PatchRequest(bytes: Array(#"{"Operations":[{"op":"replace","value":{"password":"t1meMa$heen"}}]}"#.utf8)),
            to: entraUser, type: TestSchemas.user)
        let normalized = try ResourceValidator().normalizeForPatch(patched, existing: entraUser, type: TestSchemas.user)
        #expect(normalized.password == "t1meMa$heen")
        #expect(normalized.resource[attribute: "password"] == nil)
        #expect(!normalized.description.contains("t1meMa$heen"))
    }
}
