import IdentityStore
import SCIM

/// What an operation needs from the request: read once by the route, or built by `/Bulk`.
struct SCIMOperationInput: Sendable {
    var baseURL: String
    var query: [String: String]
    /// The decoded body; nil for requests that carry none (GET, DELETE).
    var body: JSONValue?
    var ifMatch: String?
    var ifNoneMatch: String?
    /// The id of the SCIM token that authenticated the request (nil only in tests without auth).
    var tokenId: String?

    /// Who makes the changes this operation writes, for identity history.
    var author: ChangeAuthor {
        tokenId.map { ChangeAuthor.scimToken(id: $0) } ?? .unattributed
    }

    /// The body of a request that needs one (400 `invalidSyntax` without).
    func requireBody() throws -> JSONValue {
        guard let body else { throw SCIMError.invalidSyntax("the request body is empty") }
        return body
    }
}
