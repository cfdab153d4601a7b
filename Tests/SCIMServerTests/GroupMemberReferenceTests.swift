import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import SCIM
import SCIMServer
import Testing

/// A member must be the id of an existing user or group (RFC 7644 §3.12 lets the service
/// provider refuse): POST, PUT, PATCH and Bulk answer 400 `invalidValue` naming the unknown id
/// and store nothing of the request. `lenientMembers` keeps such ids instead.
@Suite struct GroupMemberReferenceTests {
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    @Test func aCreateNamingAnUnknownMemberIsRefused() async throws {
        let fixture = try await ServerFixture()
        let alice = try await fixture.store.createUser(.init(userName: "alice", resource: #"{"userName":"alice"}"#))
        try await fixture.application().test(.router) { client in
            let response = try await client.scim("/Groups", .post, fixture, body: """
                {"displayName":"ops","members":[{"value":"\(alice.id)"},{"value":"ghost-1"}]}
                """)
            try Self.expectRefusal(response, naming: "ghost-1")
            #expect(try await Self.groupCount(fixture) == 0)
            #expect(try fixture.store.identity(for: .id(alice.id))?.groups.isEmpty == true)
        }
    }

    @Test func aPutOrPatchAddingAnUnknownMemberChangesNothing() async throws {
        let fixture = try await ServerFixture()
        let alice = try await fixture.store.createUser(.init(userName: "alice", resource: #"{"userName":"alice"}"#))
        let bob = try await fixture.store.createUser(.init(userName: "bob", resource: #"{"userName":"bob"}"#))
        let group = try await fixture.store.createGroup(
            .init(displayName: "ops", resource: #"{"displayName":"ops"}"#), members: [.init(value: alice.id)])
        let bodies: [(HTTPRequest.Method, String)] = [
            (.put, #"{"displayName":"renamed","members":[{"value":"\#(bob.id)"},{"value":"ghost-1"}]}"#),
            (.patch, #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"replace","path":"displayName","value":"renamed"},{"op":"add","path":"members","value":[{"value":"\#(bob.id)"},{"value":"ghost-1"}]}]}"#),
            (.patch, #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"remove","path":"members[value eq \"\#(alice.id)\"]"},{"op":"add","path":"members","value":[{"value":"ghost-1"}]}]}"#),
            (.patch, #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"replace","path":"members","value":[{"value":"ghost-1"}]}]}"#),
            (.patch, #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"add","value":{"members":[{"value":"ghost-1"}]}}]}"#),
        ]
        try await fixture.application().test(.router) { client in
            for (method, body) in bodies {
                let response = try await client.scim("/Groups/\(group.id)", method, fixture, body: body)
                try Self.expectRefusal(response, naming: "ghost-1")
                let stored = try #require(try await fixture.store.group(id: group.id))
                #expect(stored.displayName == "ops")
                #expect(stored.version == group.version)
                #expect(stored.members?.map(\.value) == [alice.id])
            }
            #expect(try fixture.store.identity(for: .id(bob.id))?.groups.isEmpty == true)
        }
    }

    @Test func bulkRefusesTheOperationAndStoresNothingOfIt() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.scim("/Bulk", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
                 {"method":"POST","path":"/Users","bulkId":"u1","data":{"userName":"bulk-user"}},
                 {"method":"POST","path":"/Groups","bulkId":"g1",
                  "data":{"displayName":"bulk-group","members":[{"value":"bulkId:u1"},{"value":"ghost-2"}]}}]}
                """)
            #expect(response.status == .ok)
            let operations = try #require(try response.json[attribute: "Operations"]?.arrayValue)
            #expect(operations.map { $0[attribute: "status"]?.stringValue } == ["201", "400"])
            #expect(operations[1][attribute: "response"]?[attribute: "scimType"] == "invalidValue")
            #expect(operations[1][attribute: "response"]?[attribute: "detail"]?.stringValue?.contains("ghost-2") == true)
            #expect(try await Self.groupCount(fixture) == 0)
            #expect(try fixture.store.identity(for: .userName("bulk-user"))?.groups.isEmpty == true)
        }
    }

    @Test func usersAndGroupsThatExistAreAccepted() async throws {
        let fixture = try await ServerFixture()
        let alice = try await fixture.store.createUser(.init(userName: "alice", resource: #"{"userName":"alice"}"#))
        let team = try await fixture.store.createGroup(.init(displayName: "team", resource: #"{"displayName":"team"}"#))
        try await fixture.application().test(.router) { client in
            let response = try await client.scim("/Groups", .post, fixture, body: """
                {"displayName":"ops","members":[{"value":"\(alice.id)"},{"value":"\(team.id)","type":"Group"}]}
                """)
            #expect(response.status == .created)
            let members = try response.json[attribute: "members"]?.arrayValue?.compactMap { $0[attribute: "type"]?.stringValue }
            #expect(members?.sorted() == ["Group", "User"])
        }
    }

    @Test func lenientMembersKeepUnknownIds() async throws {
        let fixture = try await ServerFixture(configuration: .init(passwordHasher: .testing, lenientMembers: true))
        try await fixture.application().test(.router) { client in
            let created = try await client.scim("/Groups", .post, fixture, body: """
                {"displayName":"early","members":[{"value":"ghost-3"}]}
                """)
            #expect(created.status == .created)
            let id = try #require(try created.json[attribute: "id"]?.stringValue)
            let patched = try await client.scim("/Groups/\(id)", .patch, fixture, body: """
                {"schemas":["\(Self.patchSchema)"],"Operations":[{"op":"add","path":"members","value":[{"value":"ghost-4"}]}]}
                """)
            #expect(patched.status == .ok)
            #expect(try await fixture.store.members(ofGroup: id).map(\.value) == ["ghost-3", "ghost-4"])
        }
    }

    /// A 400 `invalidValue` SCIM error whose detail names `id`.
    static func expectRefusal(_ response: TestResponse, naming id: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == .badRequest, sourceLocation: sourceLocation)
        let body = try response.json
        #expect(body[attribute: "scimType"] == "invalidValue", sourceLocation: sourceLocation)
        #expect(body[attribute: "detail"]?.stringValue?.contains(id) == true, sourceLocation: sourceLocation)
    }

    static func groupCount(_ fixture: ServerFixture) async throws -> Int {
        try await fixture.store.groups(ResourceQuery(), includeMembers: false) { _ in true }.totalResults
    }
}
