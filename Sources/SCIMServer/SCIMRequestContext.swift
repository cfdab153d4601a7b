import Hummingbird
import Logging

/// A request context the SCIM routes can run in: any context that can carry the id of the
/// SCIM token that authenticated the request. The executable may use ``SCIMRequestContext``
/// for its whole router (health and metrics routes included).
public protocol SCIMRequestContextProtocol: RequestContext {
    /// The id of the SCIM bearer token that authenticated the request (set by ``BearerAuthMiddleware``).
    var tokenId: String? { get set }
}

/// The request context of the SCIM routes: the authenticated token and the SCIM JSON coder.
public struct SCIMRequestContext: SCIMRequestContextProtocol {
    public var coreContext: CoreRequestContextStorage
    public var tokenId: String?
    /// Encodes and decodes `application/scim+json` bodies.
    public var scimCoder: SCIMJSONCoder { SCIMJSONCoder() }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.tokenId = nil
    }
}
