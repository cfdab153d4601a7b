import Hummingbird
import IdentityStore
import SCIM

/// Requires `Authorization: Bearer <token>` naming a valid, unrevoked SCIM token (401 otherwise).
///
/// Tokens are looked up by SHA-256 hash and compared in constant time; the reason for a
/// rejection is not told to the client and the token is never logged.
public struct BearerAuthMiddleware<Context: SCIMRequestContextProtocol>: RouterMiddleware {
    let store: IdentityDatabase

    public init(store: IdentityDatabase) {
        self.store = store
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else { throw SCIMError.unauthorized() }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let tokenId = try await store.authenticateSCIMToken(String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { throw SCIMError.unauthorized() }
        var context = context
        context.tokenId = tokenId
        context.logger[metadataKey: "scim.token.id"] = .string(tokenId)
        return try await next(request, context)
    }
}
