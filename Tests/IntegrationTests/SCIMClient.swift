import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A SCIM client over URLSession, as an IdP talks to `serve`: bearer token, SCIM JSON.
struct SCIMClient: Sendable {
    struct User: Decodable, Sendable {
        var id: String
        var userName: String
        var active: Bool?
    }

    struct Group: Decodable, Sendable {
        struct Member: Decodable, Sendable { var value: String }
        var id: String
        var displayName: String
        var members: [Member]?
    }

    private struct ListResponse<Resource: Decodable>: Decodable {
        var totalResults: Int
        var Resources: [Resource]?
    }

    /// A response that is not 2xx.
    struct StatusError: Error, CustomStringConvertible {
        var status: Int
        var body: String
        var description: String { "SCIM answered \(status): \(body.prefix(300))" }
    }

    let baseURL: String
    let token: String
    private let session: URLSession

    init(baseURL: String, token: String) {
        self.baseURL = baseURL
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 15
        session = URLSession(configuration: configuration)
    }

    /// Sends one request; throws `StatusError` for a non-2xx answer, a URL error when none came.
    func send(_ method: String, _ path: String, body: String? = nil) async throws -> Data {
        guard let url = URL(string: "\(baseURL)/scim/v2/\(path)") else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw StatusError(status: status, body: String(decoding: data, as: UTF8.self)) }
        return data
    }

    /// Sends one request and returns the status and body whatever the status (0: no answer).
    func exchange(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) async -> (status: Int, body: String) {
        guard let url = URL(string: "\(baseURL)/scim/v2/\(path)") else { return (0, "bad URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        }
        guard let (data, response) = try? await session.data(for: request) else { return (0, "no answer") }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// A user that may connect with the nkey `publicKey` (the nats extension's `nkeys`).
    func createUser(_ userName: String, nkey publicKey: String) async throws -> User {
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:scim-callout:schemas:extension:nats:1.0:User"],"#
            + #""userName":"\#(userName)","active":true,"#
            + #""urn:scim-callout:schemas:extension:nats:1.0:User":{"nkeys":"\#(publicKey)"}}"#
        return try JSONDecoder().decode(User.self, from: try await send("POST", "Users", body: body))
    }

    func createUser(_ userName: String) async throws -> User {
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(userName)","active":true}"#
        return try JSONDecoder().decode(User.self, from: try await send("POST", "Users", body: body))
    }

    func createGroup(_ displayName: String) async throws -> Group {
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(displayName)"}"#
        return try JSONDecoder().decode(Group.self, from: try await send("POST", "Groups", body: body))
    }

    func deactivate(_ id: String) async throws -> User {
        try JSONDecoder().decode(User.self, from: try await patch("Users/\(id)", #"{"op":"replace","value":{"active":false}}"#))
    }

    /// Adds or removes one member with a PATCH of the group.
    func setMember(_ userID: String, of groupID: String, _ member: Bool) async throws {
        let operation = member
            ? #"{"op":"add","path":"members","value":[{"value":"\#(userID)"}]}"#
            : #"{"op":"remove","path":"members[value eq \"\#(userID)\"]"}"#
        _ = try await patch("Groups/\(groupID)", operation)
    }

    private func patch(_ path: String, _ operation: String) async throws -> Data {
        try await send("PATCH", path, body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operation)]}"#)
    }

    /// Every user, page by page.
    func allUsers() async throws -> [User] { try await all("Users") }

    /// Every group with its members.
    func allGroups() async throws -> [Group] { try await all("Groups") }

    private func all<Resource: Decodable>(_ path: String) async throws -> [Resource] {
        var resources: [Resource] = []
        while true {
            let data = try await send("GET", "\(path)?startIndex=\(resources.count + 1)&count=500")
            let page = try JSONDecoder().decode(ListResponse<Resource>.self, from: data)
            resources += page.Resources ?? []
            if (page.Resources ?? []).isEmpty || resources.count >= page.totalResults { return resources }
        }
    }
}
