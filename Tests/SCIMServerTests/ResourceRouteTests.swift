import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import SCIM
import SCIMServer
import Testing

@Suite struct ResourceRouteTests {
    @Test func requestsWithoutAValidTokenAre401() async throws {
        let fixture = try await ServerFixture()
        let other = try await fixture.store.issueSCIMToken(name: "rotated")
        try await fixture.application().test(.router) { client in
            let none = try await client.execute(uri: "/scim/v2/Users", method: .get)
            #expect(none.status == .unauthorized)
            #expect(try none.json[attribute: "status"] == "401")
            let wrong = try await client.execute(uri: "/scim/v2/Users", method: .get,
                                                 headers: [.authorization: "Bearer scimtok_wrong"])
            #expect(wrong.status == .unauthorized)
            // Two tokens work at once (rotation); a revoked one stops working.
            let rotated = try await client.execute(uri: "/scim/v2/Users", method: .get,
                                                   headers: [.authorization: "Bearer \(other.token)"])
            #expect(rotated.status == .ok)
            try await fixture.store.revokeSCIMToken(id: other.info.id)
            let revoked = try await client.execute(uri: "/scim/v2/Users", method: .get,
                                                   headers: [.authorization: "Bearer \(other.token)"])
            #expect(revoked.status == .unauthorized)
            #expect(try await client.scim("/Users", .get, fixture).status == .ok)
        }
    }

    @Test func createReturnsLocationETagAndNoPassword() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.scim("/Users", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ÉMILE","password":"hunter2!",
                 "emails":[{"value":"emile@example.com","type":"work","primary":true}]}
                """)
            #expect(response.status == .created)
            let body = try response.json
            let id = try #require(body[attribute: "id"]?.stringValue)
            #expect(response.headers[.location]?.hasSuffix("/scim/v2/Users/\(id)") == true)
            #expect(response.headers[.eTag] == body[attribute: "meta"]?[attribute: "version"]?.stringValue)
            #expect(body[attribute: "password"] == nil)
            #expect(!String(buffer: response.body).contains("hunter2"))
            #expect(response.headers[.contentType] == "application/scim+json")
            // The password is stored as an argon2id hash only.
            let subject = try #require(try fixture.store.identity(for: .userName("émile")))
            #expect(subject.passwordHash?.hasPrefix("$argon2id$") == true)
            #expect(PasswordHasher.verifySync("hunter2!", hash: subject.passwordHash ?? ""))
            // Case-insensitive (Unicode) uniqueness: 409 uniqueness.
            let duplicate = try await client.scim("/Users", .post, fixture, body: #"{"userName":"émile"}"#)
            #expect(duplicate.status == .conflict)
            #expect(try duplicate.json[attribute: "scimType"] == "uniqueness")
            // Plain application/json is accepted too.
            let json = try await client.scim("/Users", .post, fixture, body: #"{"userName":"plain"}"#,
                                             headers: [.contentType: "application/json"])
            #expect(json.status == .created)
        }
    }

    @Test func badInputIs4xxAndWritesNothing() async throws {
        let fixture = try await ServerFixture(configuration: .init(maxBodyBytes: 2048, passwordHasher: .testing))
        try await fixture.application().test(.router) { client in
            let cases: [(String, HTTPResponse.Status, String?)] = [
                ("{not json", .badRequest, "invalidSyntax"),
                (#"{"userName": 5}"#, .badRequest, "invalidValue"),
                (#"{"userName":"x","favouriteColour":"blue"}"#, .badRequest, "invalidValue"),
                (#"{"displayName":"no userName"}"#, .badRequest, "invalidValue"),
                ("[]", .badRequest, "invalidSyntax"),
                // SQLite would hand "bob\u0000evil" back as "bob": NUL is refused everywhere.
                (#"{"userName":"bob\u0000evil"}"#, .badRequest, "invalidSyntax"),
                (#"{"userName":"\#(String(repeating: "x", count: 5000))"}"#, .contentTooLarge, "tooLarge"),
            ]
            for (body, status, scimType) in cases {
                let response = try await client.scim("/Users", .post, fixture, body: body)
                #expect(response.status == status, "\(body.prefix(40))")
                let json = try response.json
                #expect(json[attribute: "schemas"] == [.string(SCIMError.schemaURN)])
                #expect(json[attribute: "scimType"]?.stringValue == scimType, "\(body.prefix(40))")
            }
            #expect(try await fixture.store.userCount() == 0)
        }
    }

    @Test func etagsDriveConditionalRequests() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let created = try await client.scim("/Users", .post, fixture, body: #"{"userName":"etag"}"#)
            let id = try #require(try created.json[attribute: "id"]?.stringValue)
            let etag = try #require(created.headers[.eTag])
            let notModified = try await client.scim("/Users/\(id)", .get, fixture, headers: [.ifNoneMatch: etag])
            #expect(notModified.status == .notModified)
            let stale = try await client.scim("/Users/\(id)", .put, fixture, body: #"{"userName":"etag2"}"#,
                                              headers: [.ifMatch: #"W/"999999""#])
            #expect(stale.status == .preconditionFailed)
            let fresh = try await client.scim("/Users/\(id)", .put, fixture, body: #"{"userName":"etag2"}"#,
                                              headers: [.ifMatch: etag])
            #expect(fresh.status == .ok)
            #expect(fresh.headers[.eTag] != etag)
            let gone = try await client.scim("/Users/\(id)", .delete, fixture, headers: [.ifMatch: etag])
            #expect(gone.status == .preconditionFailed)
            #expect(try await client.scim("/Users/\(id)", .delete, fixture).status == .noContent)
            let missing = try await client.scim("/Users/\(id)", .get, fixture)
            #expect(missing.status == .notFound)
            #expect(try missing.json[attribute: "status"] == "404")
        }
    }

    @Test func filtersSortingAndPaging() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            for (index, name) in ["carol", "alice", "Bob", "dave"].enumerated() {
                let response = try await client.scim("/Users", .post, fixture, body: """
                    {"userName":"\(name)","externalId":"x\(index)","title":"t\(index % 2)",
                     "emails":[{"value":"\(name)@Example.com","type":"work"}]}
                    """)
                #expect(response.status == .created)
            }
            func names(_ query: String) async throws -> (Int, [String]) {
                let response = try await client.scim("/Users?\(query)", .get, fixture)
                #expect(response.status == .ok, "\(query)")
                let json = try response.json
                let total = Int(json[attribute: "totalResults"]?.integerValue ?? -1)
                let names = json[attribute: "Resources"]?.arrayValue?.compactMap { $0[attribute: "userName"]?.stringValue } ?? []
                return (total, names)
            }
            func q(_ filter: String) -> String {
                "filter=" + (filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            #expect(try await names(q(#"userName eq "BOB""#)) == (1, ["Bob"]))
            #expect(try await names(q(#"emails.value eq "ALICE@example.com""#)) == (1, ["alice"]))
            #expect(try await names(q(#"emails[type eq "work" and value co "dave"]"#)) == (1, ["dave"]))
            #expect(try await names(q(#"externalId eq "x0" or externalId eq "x3""#)).1.sorted() == ["carol", "dave"])
            // Not indexed: evaluated in Swift, never ignored.
            #expect(try await names(q(#"title eq "t1""#)).1.sorted() == ["alice", "dave"])
            #expect(try await names(q(#"not (userName sw "a") and title eq "t0""#)).1.sorted() == ["Bob", "carol"])
            #expect(try await names("sortBy=userName&sortOrder=descending") == (4, ["dave", "carol", "Bob", "alice"]))
            #expect(try await names("sortBy=userName&startIndex=2&count=2") == (4, ["Bob", "carol"]))
            #expect(try await names("count=0") == (4, []))
            let bad = try await client.scim("/Users?" + q(#"userName eq"#), .get, fixture)
            #expect(bad.status == .badRequest)
            #expect(try bad.json[attribute: "scimType"] == "invalidFilter")
            let unknown = try await client.scim("/Users?" + q(#"shoeSize gt 3"#), .get, fixture)
            #expect(try unknown.json[attribute: "scimType"] == "invalidFilter")
            // POST .search per type and at the root
            let search = try await client.scim("/Users/.search", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \\"carol\\"",
                 "attributes":["userName"]}
                """)
            #expect(try search.json[attribute: "totalResults"] == 1)
            let root = try await client.scim("/.search", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"externalId pr"}
                """)
            #expect(try root.json[attribute: "totalResults"] == 4)
        }
    }

    @Test func discoveryAndUnsupportedEndpoints() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let spc = try await client.scim("/ServiceProviderConfig", .get, fixture)
            #expect(try spc.json[attribute: "patch"]?[attribute: "supported"] == true)
            #expect(try spc.json[attribute: "bulk"]?[attribute: "maxOperations"] == 1000)
            #expect(try await client.scim("/ServiceProviderConfig", .post, fixture).status == .methodNotAllowed)
            #expect(try await client.scim("/Schemas", .delete, fixture).status == .methodNotAllowed)
            let types = try await client.scim("/ResourceTypes", .get, fixture)
            #expect(try types.json[attribute: "totalResults"] == 2)
            let schema = try await client.scim("/Schemas/\(SchemaURN.natsUser)", .get, fixture)
            #expect(try schema.json[attribute: "id"]?.stringValue == SchemaURN.natsUser)
            let me = try await client.scim("/Me", .get, fixture)
            #expect(me.status == .notImplemented)
            let nowhere = try await client.scim("/Nowhere/at/all", .get, fixture)
            #expect(nowhere.status == .notFound)
            #expect(try nowhere.json[attribute: "status"] == "404")
        }
    }
}
