import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import SCIM
import SCIMServer
import Testing

/// The NATS extension's `nkeys`/`tags` strings reach the callout's view of the store as lists.
@Suite struct NATSExtensionRouteTests {
    static let keyA = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"
    static let keyB = "UAUGJSHSM2DZUQWCUIJDC2EFXU25JSK5ZC4VIWWRPV4HV22W56S2GBXD"
    static let keyC = "UCGRQKIVNCVGI7VT7MYDUFXCTJE2XJUVMMBC5GOUNAYVXEBL3TCKONJS"

    @Test func twoNKeysInOneStringEachFindTheUser() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.scim("/Users", .post, fixture, body: """
                {"userName":"nk","urn:scim-callout:schemas:extension:nats:1.0:User":
                 {"nkeys":"\(Self.keyA),\\n \(Self.keyB) \(Self.keyA)","tags":"env:prod, team:payments"}}
                """)
            #expect(response.status == .created)
            let id = try #require(try response.json[attribute: "id"]?.stringValue)
            // The string comes back as sent (the conformance tester compares with equality).
            #expect(try response.json[attribute: SchemaURN.natsUser]?[attribute: "tags"] == "env:prod, team:payments")
            let byA = try #require(try fixture.store.identity(for: .nkey(Self.keyA)))
            let byB = try #require(try fixture.store.identity(for: .nkey(Self.keyB)))
            #expect(byA.id == id && byB.id == id)
            #expect(byA.nkeys == [Self.keyA, Self.keyB].sorted())
            #expect(byA.tags == ["env:prod", "team:payments"])
            // The whole string is not a key.
            #expect(try fixture.store.identity(for: .nkey("\(Self.keyA) \(Self.keyB)")) == nil)
            // A SCIM client finds the holder of one key with `co` (docs/scim-model.md).
            let filter = "urn:scim-callout:schemas:extension:nats:1.0:User:nkeys co \"\(Self.keyB)\""
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let found = try await client.scim("/Users?filter=\(filter)", .get, fixture)
            #expect(found.status == .ok)
            #expect(try found.json[attribute: "totalResults"] == 1)
            #expect(try found.json[attribute: "Resources"]?.arrayValue?.first?[attribute: "id"]?.stringValue == id)
        }
    }

    @Test func patchReplacingTheStringReplacesTheSet() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let created = try await client.scim("/Users", .post, fixture, body: """
                {"userName":"nk","urn:scim-callout:schemas:extension:nats:1.0:User":
                 {"nkeys":"\(Self.keyA) \(Self.keyB)","tags":"a b"}}
                """)
            let id = try #require(try created.json[attribute: "id"]?.stringValue)
            let patched = try await client.scim("/Users/\(id)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"replace","path":"urn:scim-callout:schemas:extension:nats:1.0:User:nkeys","value":"\(Self.keyC), \(Self.keyB)"},
                 {"op":"add","path":"urn:scim-callout:schemas:extension:nats:1.0:User:tags","value":"c"}]}
                """)
            #expect(patched.status == .ok)
            #expect(try fixture.store.identity(for: .nkey(Self.keyA)) == nil)
            #expect(try fixture.store.identity(for: .nkey(Self.keyC))?.id == id)
            let subject = try #require(try fixture.store.identity(for: .id(id)))
            #expect(subject.nkeys == [Self.keyB, Self.keyC].sorted())
            #expect(subject.tags == ["c"])
            // Removing the attribute removes every key.
            let removed = try await client.scim("/Users/\(id)", .patch, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"remove","path":"urn:scim-callout:schemas:extension:nats:1.0:User:nkeys"}]}
                """)
            #expect(removed.status == .ok)
            #expect(try fixture.store.identity(for: .id(id))?.nkeys == [])
            #expect(try fixture.store.identity(for: .nkey(Self.keyB)) == nil)
        }
    }

    @Test func nkeysAsAnArrayOfTwoIsA400() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.scim("/Users", .post, fixture, body: """
                {"userName":"nk","urn:scim-callout:schemas:extension:nats:1.0:User":{"nkeys":["\(Self.keyA)","\(Self.keyB)"]}}
                """)
            #expect(response.status == .badRequest)
            #expect(try response.json[attribute: "scimType"] == "invalidValue")
            #expect(try await fixture.store.userCount() == 0)
        }
    }
}
