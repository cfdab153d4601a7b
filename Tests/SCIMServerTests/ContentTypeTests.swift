import Foundation
import Hummingbird
import HummingbirdTesting
import SCIM
import SCIMServer
import Testing

/// Bodies are read only as `application/scim+json` or `application/json` in UTF-8; anything
/// else, or no Content-Type, is a 415 SCIM error and writes nothing.
@Suite struct ContentTypeTests {
    static let accepted = [
        "application/scim+json", "application/json", "application/scim+json; charset=utf-8",
        "APPLICATION/JSON", #"application/json;charset="UTF-8""#, "Application/Scim+Json ; Charset=UTF-8",
    ]
    static let refused: [String?] = [
        "text/plain", nil, "application/json; charset=latin1", "application/x-www-form-urlencoded",
        "application/scim+xml", "application/jsonx",
    ]

    @Test(arguments: accepted)
    func aJSONContentTypeIsAccepted(_ contentType: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/scim/v2/Users", method: .post, headers: Self.headers(fixture, contentType),
                body: ByteBuffer(string: #"{"userName":"accepted"}"#))
            #expect(response.status == .created)
            #expect(try await fixture.store.userCount() == 1)
        }
    }

    @Test(arguments: refused)
    func anythingElseIs415AndWritesNothing(_ contentType: String?) async throws {
        let fixture = try await ServerFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/scim/v2/Users", method: .post, headers: Self.headers(fixture, contentType),
                body: ByteBuffer(string: #"{"userName":"refused"}"#))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.headers[.contentType] == "application/scim+json")
            let body = try response.json
            #expect(body[attribute: "schemas"] == [.string(SCIMError.schemaURN)])
            #expect(body[attribute: "status"] == "415")
            let detail = try #require(body[attribute: "detail"]?.stringValue)
            #expect(detail.contains("application/scim+json") && detail.contains("application/json"))
            #expect(detail.contains(contentType.map { "'\($0)'" } ?? "no Content-Type"))
            #expect(try await fixture.store.userCount() == 0)
        }
    }

    @Test func everyRouteThatReadsABodyChecksIt() async throws {
        let fixture = try await ServerFixture()
        let user = try await fixture.store.createUser(.init(userName: "u", resource: #"{"userName":"u"}"#))
        let group = try await fixture.store.createGroup(.init(displayName: "g", resource: #"{"displayName":"g"}"#))
        let patch = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"x"}]}"#
        let requests: [(String, HTTPRequest.Method, String)] = [
            ("/Users", .post, #"{"userName":"x"}"#),
            ("/Groups", .post, #"{"displayName":"x"}"#),
            ("/Users/\(user.id)", .put, #"{"userName":"x"}"#),
            ("/Groups/\(group.id)", .put, #"{"displayName":"x"}"#),
            ("/Users/\(user.id)", .patch, patch),
            ("/Groups/\(group.id)", .patch, patch),
            ("/Users/.search", .post, "{}"),
            ("/.search", .post, "{}"),
            ("/Bulk", .post, #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"b","data":{"userName":"x"}}]}"#),
        ]
        try await fixture.application().test(.router) { client in
            for (path, method, body) in requests {
                let response = try await client.execute(
                    uri: "/scim/v2\(path)", method: method, headers: Self.headers(fixture, "text/plain"),
                    body: ByteBuffer(string: body))
                #expect(response.status == .unsupportedMediaType, "\(method) \(path)")
            }
            // Unchanged: no user or group named "x".
            #expect(try fixture.store.identity(for: .userName("x")) == nil)
            #expect(try await fixture.store.user(id: user.id)?.userName == "u")
            #expect(try await fixture.store.group(id: group.id)?.displayName == "g")
            #expect(try await fixture.store.userCount() == 1)
        }
    }

    @Test func authenticationIsCheckedFirstAndBodylessRequestsNeedNoContentType() async throws {
        let fixture = try await ServerFixture()
        let user = try await fixture.store.createUser(.init(userName: "u", resource: #"{"userName":"u"}"#))
        try await fixture.application().test(.router) { client in
            // Without a valid token the answer is 401, whatever the body.
            let anonymous = try await client.execute(uri: "/scim/v2/Users", method: .post,
                                                     headers: [.contentType: "text/plain"],
                                                     body: ByteBuffer(string: "x"))
            #expect(anonymous.status == .unauthorized)
            // GET and DELETE carry no body and need no Content-Type.
            let get = try await client.execute(uri: "/scim/v2/Users/\(user.id)", method: .get,
                                               headers: Self.headers(fixture, nil))
            #expect(get.status == .ok)
            let delete = try await client.execute(uri: "/scim/v2/Users/\(user.id)", method: .delete,
                                                  headers: Self.headers(fixture, nil))
            #expect(delete.status == .noContent)
        }
    }

    static func headers(_ fixture: ServerFixture, _ contentType: String?) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(fixture.token)"]
        if let contentType { headers[.contentType] = contentType }
        return headers
    }
}
