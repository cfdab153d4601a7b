import Hummingbird
import SCIM

/// The outcome of one SCIM operation, independent of HTTP plumbing so `/Bulk` can reuse it.
struct SCIMResult: Sendable {
    var status: HTTPResponse.Status
    var body: JSONValue?
    var location: String?
    /// The resource version (the ETag is `W/"version"`).
    var version: String?

    func response() -> Response {
        var headers: HTTPFields = [:]
        if let location { headers[.location] = location }
        if let version { headers[.eTag] = ETag.weak(version: version) }
        return SCIMJSONCoder().response(status, body, headers: headers)
    }
}

/// What an operation needs from the request: parsed once by the route, or built by `/Bulk`.
struct SCIMOperationInput: Sendable {
    var baseURL: String
    var query: [String: String]
    var body: [UInt8]
    var ifMatch: String?
    var ifNoneMatch: String?
}
