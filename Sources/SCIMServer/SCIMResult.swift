import Hummingbird
import SCIM

/// The outcome of one SCIM operation on a resource, independent of HTTP plumbing so `/Bulk` can
/// reuse it; as a route's return value it becomes a response with `Location` and `ETag`, its
/// body written by the context's response encoder.
struct SCIMResult: ResponseGenerator, Sendable {
    var status: HTTPResponse.Status
    var body: JSONValue?
    var location: String?
    /// The resource version (the ETag is `W/"version"`).
    var version: String?

    /// One resource's answer: `document` projected as the request's `attributes` and
    /// `excludedAttributes` ask, with its `Location` and version (the same for users and groups).
    static func resource(
        _ document: JSONValue, type: ResourceTypeDefinition, location: String, version: Int64,
        input: SCIMOperationInput, status: HTTPResponse.Status
    ) -> SCIMResult {
        let (attributes, excluded) = QuerySupport.projection(input.query)
        let projected = Projection.apply(attributes: attributes, excludedAttributes: excluded, to: document, type: type)
        return SCIMResult(status: status, body: projected, location: location, version: String(version))
    }

    /// 304 for a read whose `If-None-Match` names the current `version`; nil when it must be sent.
    static func notModified(_ input: SCIMOperationInput, version: Int64) -> SCIMResult? {
        guard let ifNoneMatch = input.ifNoneMatch, ETag.header(ifNoneMatch, matches: String(version)) else { return nil }
        return SCIMResult(status: .notModified, body: nil, version: String(version))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.map { try context.responseEncoder.encode($0, from: request, context: context) }
            ?? Response(status: status)
        response.status = status
        if let location { response.headers[.location] = location }
        if let version { response.headers[.eTag] = ETag.weak(version: version) }
        return response
    }
}
