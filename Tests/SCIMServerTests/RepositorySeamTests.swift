import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import SCIM
import SCIMServer
import Testing
import TestSupport

/// The routes answer from whatever ``SCIMRepository`` they are given: conflicts the repository
/// decides reach the client as its SCIM errors, with the status, body and content type the SQLite
/// store's would have.
@Suite struct RepositorySeamTests {
    @Test func aConflictTheRepositoryDecidesIsTheClientsSCIM409() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/scim/v2/Users", method: .post, headers: Self.headers,
                body: ByteBuffer(string: #"{"userName":"taken"}"#))
            #expect(response.status == .conflict)
            #expect(response.headers[.contentType] == "application/scim+json")
            let body = try response.json
            #expect(body[attribute: "schemas"] == [.string(SCIMError.schemaURN)])
            #expect(body[attribute: "status"] == "409")
            #expect(body[attribute: "scimType"] == "uniqueness")
            #expect(body[attribute: "detail"] == "User taken is replicated elsewhere")
        }
    }

    @Test func ifMatchReachesTheRepositoryWhichDecidesThePrecondition() async throws {
        try await Self.application().test(.router) { client in
            var headers = Self.headers
            headers[.ifMatch] = #"W/"7""#
            let response = try await client.execute(
                uri: "/scim/v2/Groups/g1", method: .patch, headers: headers,
                body: ByteBuffer(string: """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations":[{"op":"replace","path":"displayName","value":"x"}]}
                    """))
            #expect(response.status == .preconditionFailed)
            #expect(try response.json[attribute: "detail"] == "Group g1 is not at version 7")
        }
    }

    @Test func bulkReportsEachRefusedWriteWithTheRepositorysError() async throws {
        try await Self.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/scim/v2/Bulk", method: .post, headers: Self.headers,
                body: ByteBuffer(string: """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
                     {"method":"POST","path":"/Users","bulkId":"u1","data":{"userName":"one"}},
                     {"method":"DELETE","path":"/Groups/g2","version":"W/\\"3\\""}]}
                    """))
            #expect(response.status == .ok)
            let operations = try #require(try response.json[attribute: "Operations"]?.arrayValue)
            #expect(operations.map { $0[attribute: "status"]?.stringValue } == ["409", "412"])
            #expect(operations[0][attribute: "response"]?[attribute: "scimType"] == "uniqueness")
            #expect(operations[1][attribute: "response"]?[attribute: "detail"] == "Group g2 is not at version 3")
        }
    }

    @Test func bearerTokensAreCheckedByTheRepository() async throws {
        try await Self.application().test(.router) { client in
            let wrong = try await client.execute(uri: "/scim/v2/Users", method: .get,
                                                 headers: [.authorization: "Bearer not-the-token"])
            #expect(wrong.status == .unauthorized)
            let right = try await client.execute(uri: "/scim/v2/Users", method: .get, headers: Self.headers)
            #expect(right.status == .ok)
            #expect(try right.json[attribute: "totalResults"] == 0)
        }
    }

    static let headers: HTTPFields = [
        .authorization: "Bearer \(RefusingRepository.token)", .contentType: "application/scim+json",
    ]

    static func application() throws -> some ApplicationProtocol {
        let registry = try SchemaRegistry(directory: TestEnvironment.packageRoot.appendingPathComponent("Schemas"))
        let router = SCIMRoutes.buildRouter(repository: RefusingRepository(), registry: registry)
        return Application(router: router, logger: quietLogger)
    }
}

/// A repository that holds nothing and refuses every write, as a replicated store whose peers
/// already hold the names would: creates conflict, and no version matches.
private struct RefusingRepository: SCIMRepository {
    static let token = "seam-token"

    func authenticateSCIMToken(_ token: String) async throws -> String? {
        token == Self.token ? "seam-token-id" : nil
    }

    func user(id: String) async throws -> StoredUser? { nil }

    func users(_ query: ResourceQuery, includeGroups: Bool, residual: @Sendable (StoredUser) throws -> Bool)
        async throws -> QueryPage<StoredUser>
    {
        QueryPage(totalResults: 0, startIndex: query.startIndex, items: [])
    }

    func insertUser(_ input: UserInput, passwordHash: String?, author: ChangeAuthor) async throws -> StoredUser {
        throw SCIMError.uniqueness("User \(input.userName) is replicated elsewhere")
    }

    func modifyUser(id: String, ifMatch: Int64?, author: ChangeAuthor, _ transform: @Sendable (StoredUser) async throws -> UserUpdate)
        async throws -> StoredUser
    {
        throw Self.refusal("User", id, ifMatch)
    }

    func removeUser(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        throw Self.refusal("User", id, ifMatch)
    }

    func group(id: String, includeMembers: Bool) async throws -> StoredGroup? { nil }

    func members(ofGroup groupId: String) async throws -> [StoredMember] { [] }

    func groups(_ query: ResourceQuery, includeMembers: Bool, residual: @Sendable (StoredGroup) throws -> Bool)
        async throws -> QueryPage<StoredGroup>
    {
        QueryPage(totalResults: 0, startIndex: query.startIndex, items: [])
    }

    func insertGroup(_ input: GroupInput, members: [MemberInput], lenientMembers: Bool, author: ChangeAuthor)
        async throws -> StoredGroup
    {
        throw SCIMError.uniqueness("Group \(input.displayName) is replicated elsewhere")
    }

    func modifyGroup(id: String, ifMatch: Int64?, lenientMembers: Bool, author: ChangeAuthor,
                     _ transform: @Sendable (StoredGroup) async throws -> GroupUpdate) async throws -> StoredGroup
    {
        throw Self.refusal("Group", id, ifMatch)
    }

    func removeGroup(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        throw Self.refusal("Group", id, ifMatch)
    }

    /// 412 naming the version the route passed on, or 404 without a precondition.
    private static func refusal(_ type: String, _ id: String, _ ifMatch: Int64?) -> SCIMError {
        guard let ifMatch else { return .notFound("\(type) \(id) not found") }
        return .preconditionFailed("\(type) \(id) is not at version \(ifMatch)")
    }
}
