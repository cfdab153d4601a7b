import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import SCIM
import SCIMServer
import Testing

/// Every SCIM write (POST, PATCH, DELETE, and each operation of a Bulk request) is recorded in
/// identity history under the name of the bearer token that made it.
@Suite struct HistoryAuthorTests {
    @Test func everyWriteNamesTheTokenThatMadeIt() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let created = try await client.scim("/Users", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada","password":"hunter2!x"}
                """)
            #expect(created.status == .created)
            let id = try #require(try created.json[attribute: "id"]?.stringValue)
            let patched = try await client.scim("/Users/\(id)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"active","value":false}]}
                """)
            #expect(patched.status == .ok)
            let bulk = try await client.scim("/Bulk", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
                 {"method":"POST","path":"/Groups","bulkId":"g","data":{
                   "schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ops",
                   "members":[{"value":"\(id)"}]}},
                 {"method":"DELETE","path":"/Users/\(id)"}]}
                """)
            #expect(bulk.status == .ok)

            let entries = try await fixture.store.historyEntries(resource: id)
            #expect(entries.map(\.kind) == [.create, .update, .membership, .delete])
            #expect(entries.allSatisfy { $0.author == "test" && $0.authorTokenId != nil })
            #expect(entries[0].changes.passwordChanged == true)
            #expect(entries[1].changes.active == FieldChange(from: true, to: false))
            let all = try await fixture.store.historyEntries()
            #expect(all.contains { $0.resourceType == .group && $0.kind == .create && $0.author == "test" })
        }
    }
}
