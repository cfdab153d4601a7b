import Foundation
import Hummingbird
import NIOCore
import SCIM

/// Writes `application/scim+json` responses: the context's `responseEncoder`, used for every
/// encodable value a SCIM route returns.
public struct SCIMResponseEncoder: ResponseEncoder, Sendable {
    /// The content type of every SCIM response body.
    public static let contentType = "application/scim+json"

    public init() {}

    /// A 200 response holding `value`: a ``JSONValue`` through SCIM's own encoder (sorted keys),
    /// any other `Encodable` through Foundation with the same key order.
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws
        -> Response
    {
        let bytes: [UInt8]
        if let json = value as? JSONValue {
            bytes = json.encoded()
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            bytes = Array(try encoder.encode(value))
        }
        return Response(status: .ok, headers: [.contentType: Self.contentType],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
