import Foundation
import Hummingbird
import HummingbirdTesting
import SCIM
import SCIMServer
import Testing

/// A `userName`, password or nkey longer than a NATS CONNECT can carry (1024 UTF-8 bytes) is
/// refused with 400 `invalidValue` on POST, PUT and PATCH; the limit itself is accepted.
@Suite struct CredentialLengthTests {
    static let limit = 1024
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    @Test func aUserNameAtTheLimitIsAcceptedOnEveryMethod() async throws {
        let fixture = try await ServerFixture()
        // 512 two-byte characters: the bound counts UTF-8 bytes, not characters.
        let names = [String(repeating: "a", count: Self.limit), String(repeating: "é", count: Self.limit / 2),
                     String(repeating: "b", count: Self.limit)]
        try await fixture.application().test(.router) { client in
            let created = try await client.scim("/Users", .post, fixture, body: #"{"userName":"\#(names[0])"}"#)
            #expect(created.status == .created)
            let id = try #require(try created.json[attribute: "id"]?.stringValue)
            let put = try await client.scim("/Users/\(id)", .put, fixture, body: #"{"userName":"\#(names[1])"}"#)
            #expect(put.status == .ok)
            let patch = try await client.scim("/Users/\(id)", .patch, fixture, body: """
                {"schemas":["\(Self.patchSchema)"],"Operations":[{"op":"replace","path":"userName","value":"\(names[2])"}]}
                """)
            #expect(patch.status == .ok)
            #expect(try fixture.store.identity(for: .userName(names[2]))?.id == id)
        }
    }

    @Test func aLongerUserNameIsRefusedOnEveryMethod() async throws {
        let fixture = try await ServerFixture()
        let user = try await fixture.store.createUser(.init(userName: "short", resource: #"{"userName":"short"}"#))
        let tooLong = [String(repeating: "a", count: Self.limit + 1), String(repeating: "é", count: Self.limit / 2) + "a"]
        try await fixture.application().test(.router) { client in
            for name in tooLong {
                let requests: [(String, HTTPRequest.Method, String)] = [
                    ("/Users", .post, #"{"userName":"\#(name)"}"#),
                    ("/Users/\(user.id)", .put, #"{"userName":"\#(name)"}"#),
                    ("/Users/\(user.id)", .patch,
                     #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"replace","path":"userName","value":"\#(name)"}]}"#),
                    ("/Users/\(user.id)", .patch,
                     #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"replace","value":{"userName":"\#(name)"}}]}"#),
                ]
                for (path, method, body) in requests {
                    let response = try await client.scim(path, method, fixture, body: body)
                    try Self.expectRefusal(response, attribute: "userName")
                }
            }
            let bulk = try await client.scim("/Bulk", .post, fixture, body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
                 {"method":"POST","path":"/Users","bulkId":"u","data":{"userName":"\(tooLong[0])"}}]}
                """)
            #expect(try bulk.json[attribute: "Operations"]?.arrayValue?.first?[attribute: "status"] == "400")
            #expect(try await fixture.store.userCount() == 1)
            #expect(try await fixture.store.user(id: user.id)?.version == user.version)
        }
    }

    @Test func aLongerPasswordOrNKeyIsRefusedWithoutQuotingIt() async throws {
        let fixture = try await ServerFixture()
        let user = try await fixture.store.createUser(.init(userName: "short", resource: #"{"userName":"short"}"#))
        let password = "s3cret-" + String(repeating: "p", count: Self.limit)
        let nkey = "U" + String(repeating: "K", count: Self.limit)
        let nats = SchemaURN.natsUser
        try await fixture.application().test(.router) { client in
            let requests: [(String, HTTPRequest.Method, String, String)] = [
                ("/Users", .post, #"{"userName":"new","password":"\#(password)"}"#, "password"),
                ("/Users/\(user.id)", .put, #"{"userName":"short","password":"\#(password)"}"#, "password"),
                ("/Users/\(user.id)", .patch,
                 #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"replace","path":"password","value":"\#(password)"}]}"#,
                 "password"),
                ("/Users", .post, #"{"userName":"new","\#(nats)":{"nkeys":"\#(nkey)"}}"#, "nkeys"),
                ("/Users/\(user.id)", .patch,
                 #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"replace","path":"\#(nats):nkeys","value":"\#(nkey)"}]}"#,
                 "nkeys"),
            ]
            for (path, method, body, attribute) in requests {
                let response = try await client.scim(path, method, fixture, body: body)
                try Self.expectRefusal(response, attribute: attribute)
                #expect(!String(buffer: response.body).contains("s3cret"))
            }
            #expect(try await fixture.store.userCount() == 1)
            #expect(try await fixture.store.user(id: user.id)?.version == user.version)
        }
    }

    /// A 400 `invalidValue` naming `attribute` and the limit.
    static func expectRefusal(_ response: TestResponse, attribute: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == .badRequest, sourceLocation: sourceLocation)
        let body = try response.json
        #expect(body[attribute: "scimType"] == "invalidValue", sourceLocation: sourceLocation)
        let detail = body[attribute: "detail"]?.stringValue ?? ""
        #expect(detail.hasPrefix(attribute) && detail.contains("\(limit) bytes"), "\(detail)",
                sourceLocation: sourceLocation)
    }
}
