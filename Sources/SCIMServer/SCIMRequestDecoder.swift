import Foundation
import Hummingbird
import NIOCore
import SCIM

/// Reads SCIM request bodies: the context's `requestDecoder`, used by `request.decode(as:context:)`.
///
/// Every body goes through SCIM's own JSON parser (depth limit, integers kept apart from
/// decimals, NUL refused) and fails as a SCIM 400 `invalidSyntax`; a body above the context's
/// `maxUploadSize` is a 413 `tooLarge`. The `Content-Type` must be `application/scim+json` or
/// `application/json` (``SCIMMediaType``), else 415 before the body is read: checking here covers
/// every route that reads a body, and only those, after authentication.
public struct SCIMRequestDecoder: RequestDecoder, Sendable {
    public init() {}

    /// Decodes the body as `type`: a ``JSONValue`` straight from the parser, any other
    /// `Decodable` through Foundation once the parser accepted the bytes.
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext)
        async throws -> T
    {
        try SCIMMediaType.check(contentType: request.headers[.contentType])
        let limit = context.maxUploadSize
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw SCIMError.tooLarge("the request body exceeds \(limit) bytes")
        }
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw SCIMError.invalidSyntax("the request body is empty") }
        let json = try JSONValue.decodeRequestBody(bytes)
        if let json = json as? T { return json }
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    }
}
