import Foundation
import SCIM

/// What every resource type's endpoint (`/Users`, `/Groups`) answers: the routes are mounted
/// once per type over this.
protocol ResourceEndpoint: Sendable {
    func list(_ search: SearchRequest, baseURL: String) async throws -> JSONValue
    func create(_ input: SCIMOperationInput) async throws -> SCIMResult
    func get(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
    func replace(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
    func patch(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
    func delete(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult
}
