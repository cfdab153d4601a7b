import Foundation
import IdentityStore
import SCIM

/// What every resource type's endpoint (`/Users`, `/Groups`) answers: the routes are mounted
/// once per type over this.
protocol ResourceEndpoint: Sendable {
    /// Runs a search and returns projected documents.
    func query(_ search: SearchRequest, baseURL: String) async throws -> QueryPage<JSONValue>
    func create(_ input: SCIMOperationInput) async throws -> SCIMResult
    func get(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
    func replace(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
    func patch(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
    func delete(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
}

extension ResourceEndpoint {
    /// A search's page as a SCIM `ListResponse`.
    func list(_ search: SearchRequest, baseURL: String) async throws -> JSONValue {
        let page = try await query(search, baseURL: baseURL)
        return QuerySupport.listResponse(total: page.totalResults, startIndex: page.startIndex, resources: page.items)
    }
}
