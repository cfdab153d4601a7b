import Hummingbird
import Logging

/// A request context the SCIM routes can run in: it carries the id of the SCIM token that
/// authenticated the request, reads and writes bodies with the SCIM JSON coder, and lets the
/// routes set the body limit. The executable may use ``SCIMRequestContext`` for its whole router
/// (health and metrics routes included).
public protocol SCIMRequestContextProtocol: RequestContext
where Decoder == SCIMRequestDecoder, Encoder == SCIMResponseEncoder {
    /// The id of the SCIM bearer token that authenticated the request (set by ``BearerAuthMiddleware``).
    var tokenId: String? { get set }
    /// The largest body `request.decode(as:context:)` reads (413 above it); the SCIM routes set
    /// it per route from ``SCIMServerConfiguration``.
    var maxUploadSize: Int { get set }
}

/// The request context of the SCIM routes: the authenticated token and the SCIM JSON coder.
public struct SCIMRequestContext: SCIMRequestContextProtocol {
    public var coreContext: CoreRequestContextStorage
    public var tokenId: String?
    public var maxUploadSize: Int
    /// Reads `application/scim+json` (and `application/json`) bodies.
    public var requestDecoder: SCIMRequestDecoder { SCIMRequestDecoder() }
    /// Writes `application/scim+json` bodies.
    public var responseEncoder: SCIMResponseEncoder { SCIMResponseEncoder() }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.tokenId = nil
        self.maxUploadSize = SCIMServerConfiguration.defaultMaxBodyBytes
    }
}
