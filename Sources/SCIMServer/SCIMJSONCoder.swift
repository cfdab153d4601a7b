import Hummingbird
import NIOCore
import SCIM

/// Reads SCIM request bodies into `JSONValue` and writes `application/scim+json` responses.
///
/// `application/scim+json` and `application/json` are both accepted (and a missing content
/// type too: several IdPs omit it on DELETE-style requests with bodies).
public struct SCIMJSONCoder: Sendable {
    /// The response content type.
    public static let contentType = "application/scim+json"

    public init() {}

    /// Collects at most `limit` bytes of the body (413 above it).
    public func bodyBytes(_ request: Request, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw SCIMError.tooLarge("the request body exceeds \(limit) bytes")
        }
    }

    /// Decodes a JSON body (400 `invalidSyntax` when it is not JSON).
    public func decode(_ bytes: [UInt8]) throws -> JSONValue {
        guard !bytes.isEmpty else { throw SCIMError.invalidSyntax("the request body is empty") }
        return try JSONValue.decodeRequestBody(bytes)
    }

    /// A response with a SCIM JSON body.
    public func response(_ status: HTTPResponse.Status, _ body: JSONValue?, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        guard let body else { return Response(status: status, headers: headers) }
        headers[.contentType] = Self.contentType
        let bytes = body.encoded()
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
