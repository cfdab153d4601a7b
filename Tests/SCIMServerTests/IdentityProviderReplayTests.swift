import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import SCIM
import SCIMServer
import Testing

/// Request sequences shaped as Okta's and Microsoft Entra ID's SCIM documentation shows them.
@Suite struct IdentityProviderReplayTests {
    @Test func oktaProvisioningLifecycle() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            // 1. Okta checks whether the user exists first.
            let lookup = try await client.scim(
                "/Users?filter=userName%20eq%20%22dade%40example.com%22&startIndex=1&count=100", .get, fixture)
            #expect(lookup.status == .ok)
            #expect(try lookup.json[attribute: "totalResults"] == 0)
            // 2. Create with password and an empty groups list.
            let created = try await client.scim("/Users", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dade@example.com",
                 "name":{"givenName":"Dade","familyName":"Murphy"},
                 "emails":[{"primary":true,"value":"dade@example.com","type":"work"}],
                 "displayName":"Dade Murphy","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7",
                 "groups":[],"password":"1mz050nq","active":true}
                """)
            #expect(created.status == .created)
            let userId = try #require(try created.json[attribute: "id"]?.stringValue)
            // 3. Profile update by PUT without `active`: the user stays active.
            let put = try await client.scim("/Users/\(userId)", .put, fixture, body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"\(userId)","userName":"dade@example.com",
                 "name":{"givenName":"Dade","familyName":"Murphy-Okta"},
                 "emails":[{"primary":true,"value":"dade@example.com","type":"work"}],"displayName":"Dade M."}
                """)
            #expect(put.status == .ok)
            #expect(try put.json[attribute: "active"] == true)
            // 4. Group push with the user as member, then rename repeating the readOnly id.
            let group = try await client.scim("/Groups", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2",
                 "members":[{"value":"\(userId)","display":"dade@example.com"}]}
                """)
            #expect(group.status == .created)
            let groupId = try #require(try group.json[attribute: "id"]?.stringValue)
            let rename = try await client.scim("/Groups/\(groupId)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","value":{"id":"\(groupId)","displayName":"Renamed"}}]}
                """)
            #expect(rename.status == .ok)
            #expect(try rename.json[attribute: "displayName"] == "Renamed")
            #expect(try fixture.store.identity(for: .id(userId))?.groups.map(\.displayName) == ["Renamed"])
            // 5. Membership: remove by filter, add back (twice: idempotent), groups listed without members.
            let remove = try await client.scim("/Groups/\(groupId)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"remove","path":"members[value eq \\"\(userId)\\"]"}]}
                """)
            #expect(remove.status == .ok)
            #expect(try fixture.store.identity(for: .id(userId))?.groups.isEmpty == true)
            for _ in 0..<2 {
                let add = try await client.scim("/Groups/\(groupId)", .patch, fixture, body: """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations":[{"op":"add","path":"members","value":[{"value":"\(userId)","display":"dade"}]}]}
                    """)
                #expect(add.status == .ok)
            }
            #expect(try await fixture.store.memberCount(groupId: groupId) == 1)
            let groups = try await client.scim("/Groups?excludedAttributes=members&startIndex=1&count=100", .get, fixture)
            let listed = try #require(try groups.json[attribute: "Resources"]?.arrayValue?.first)
            #expect(listed[attribute: "members"] == nil)
            // 6. Deactivate (never DELETE): visible to the next read.
            let deactivate = try await client.scim("/Users/\(userId)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","value":{"active":false}}]}
                """)
            #expect(deactivate.status == .ok)
            #expect(try deactivate.json[attribute: "active"] == false)
            #expect(try fixture.store.identity(for: .userName("DADE@example.com"))?.active == false)
        }
    }

    @Test func entraProvisioningLifecycle() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            // "Test connection" queries a random attribute value: an empty list, not an error.
            let probe = try await client.scim(
                "/Users?filter=userName%20eq%20%22non-existent-%7B9f3e%7D%22", .get, fixture)
            #expect(probe.status == .ok)
            #expect(try probe.json[attribute: "totalResults"] == 0)
            let created = try await client.scim("/Users", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee@contoso.com",
                 "active":true,"displayName":"Test User",
                 "emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@contoso.com"}],
                 "meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName",
                 "familyName":"familyName","givenName":"givenName"},"roles":[]}
                """)
            #expect(created.status == .created)
            let id = try #require(try created.json[attribute: "id"]?.stringValue)
            // Capitalised ops, booleans as strings, dotted and URN-qualified keys, filtered add.
            let patch = try await client.scim("/Users/\(id)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Replace","path":"active","value":"False"},
                 {"op":"Add","path":"emails[type eq \\"home\\"].value","value":"home@contoso.com"},
                 {"op":"Replace","value":{"name.givenName":"Kim",
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"7"}}]}
                """)
            #expect(patch.status == .ok)
            let body = try patch.json
            #expect(body[attribute: "active"] == false)
            #expect(body[attribute: "name"]?[attribute: "givenName"] == "Kim")
            #expect(body[attribute: SchemaURN.enterpriseUser]?[attribute: "employeeNumber"] == "7")
            let emails = body[attribute: "emails"]?.arrayValue?.compactMap { $0[attribute: "value"]?.stringValue }
            #expect(emails?.contains("home@contoso.com") == true)
            // The store indexes the added e-mail at once.
            let byMail = try await client.scim("/Users?filter=emails.value%20eq%20%22HOME%40contoso.com%22", .get, fixture)
            #expect(try byMail.json[attribute: "totalResults"] == 1)
            // Groups: Entra removes members with a value list; the others stay.
            let other = try await client.scim("/Users", .post, fixture, body: #"{"userName":"second@contoso.com"}"#)
            let otherId = try #require(try other.json[attribute: "id"]?.stringValue)
            let group = try await client.scim("/Groups", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"8aa1a0c0",
                 "displayName":"Group1DisplayName","members":[]}
                """)
            let groupId = try #require(try group.json[attribute: "id"]?.stringValue)
            let add = try await client.scim("/Groups/\(groupId)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Add","path":"members","value":[{"value":"\(id)"},{"value":"\(otherId)"}]}]}
                """)
            #expect(add.status == .ok)
            let remove = try await client.scim("/Groups/\(groupId)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Remove","path":"members","value":[{"value":"\(id)"}]}]}
                """)
            #expect(remove.status == .ok)
            #expect(try await fixture.store.members(ofGroup: groupId).map(\.value) == [otherId])
            // Unknown group: 404 SCIM error (never 500).
            let missing = try await client.scim("/Groups/does-not-exist", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Replace","path":"displayName","value":"x"}]}
                """)
            #expect(missing.status == .notFound)
        }
    }

    @Test func hugeGroupDeltasAndExcludedMembers() async throws {
        let fixture = try await ServerFixture()
        // Given 6,000 users, 5,000 of them in a group written directly through the store
        let ids = try await fixture.store.importUsers((0..<6_000).map {
            UserInput(userName: String(format: "member-%06d", $0), resource: "{}")
        })
        let initial = ids[..<5_000].map { MemberInput(value: $0) }
        let group = try await fixture.store.createGroup(
            GroupInput(displayName: "Everyone", resource: #"{"displayName":"Everyone","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}"#),
            members: initial)
        try await fixture.application().test(.router) { client in
            // When 1,000 members are added and 10 removed in one PATCH, without members in the answer
            let adds = ids[5_000...].map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
            let removes = ids[..<10].map { #"value eq \"\#($0)\""# }
                .joined(separator: " or ")
            let response = try await client.scim("/Groups/\(group.id)?excludedAttributes=members", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"add","path":"members","value":[\(adds)]},
                 {"op":"remove","path":"members[\(removes)]"}]}
                """)
            #expect(response.status == .ok)
            #expect(try response.json[attribute: "members"] == nil)
            #expect(try await fixture.store.memberCount(groupId: group.id) == 5_990)
            let get = try await client.scim("/Groups/\(group.id)?excludedAttributes=members", .get, fixture)
            #expect(try get.json[attribute: "members"] == nil)
            #expect(try get.json[attribute: "displayName"] == "Everyone")
        }
    }

    @Test func bulkResolvesBulkIdsAndEnforcesLimits() async throws {
        let fixture = try await ServerFixture(configuration: .init(bulkMaxOperations: 3, passwordHasher: .testing))
        try await fixture.application().test(.router) { client in
            let response = try await client.scim("/Bulk", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":1,"Operations":[
                 {"method":"POST","path":"/Users","bulkId":"u1","data":{"userName":"bulk-user"}},
                 {"method":"POST","path":"/Groups","bulkId":"g1",
                  "data":{"displayName":"bulk-group","members":[{"type":"User","value":"bulkId:u1"}]}},
                 {"method":"PATCH","path":"/Users/bulkId:u1","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                  "Operations":[{"op":"replace","path":"active","value":false}]}}]}
                """)
            #expect(response.status == .ok)
            let operations = try #require(try response.json[attribute: "Operations"]?.arrayValue)
            #expect(operations.map { $0[attribute: "status"]?.stringValue } == ["201", "201", "200"])
            let subject = try #require(try fixture.store.identity(for: .userName("bulk-user")))
            #expect(subject.groups.map(\.displayName) == ["bulk-group"])
            #expect(!subject.active)
            // failOnErrors=1 stops after the first failure.
            let failing = try await client.scim("/Bulk", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":1,"Operations":[
                 {"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"bulk-user"}},
                 {"method":"POST","path":"/Users","bulkId":"b","data":{"userName":"never-created"}}]}
                """)
            let results = try #require(try failing.json[attribute: "Operations"]?.arrayValue)
            #expect(results.count == 1)
            #expect(results.first?[attribute: "status"] == "409")
            #expect(try fixture.store.identity(for: .userName("never-created")) == nil)
            // More operations than advertised: 413.
            let ops = (0..<4).map { #"{"method":"DELETE","path":"/Users/x\#($0)"}"# }.joined(separator: ",")
            let tooMany = try await client.scim("/Bulk", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[\(ops)]}
                """)
            #expect(tooMany.status == .contentTooLarge)
        }
    }
}
