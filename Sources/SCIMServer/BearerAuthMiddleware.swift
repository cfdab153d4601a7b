import Hummingbird
import SCIM

/// Requires `Authorization: Bearer <token>` naming a valid (unrevoked, unexpired) SCIM token (401 otherwise).
///
/// The repository looks tokens up (by hash, compared in constant time); the reason for a
/// rejection is not told to the client and the token is never logged.
public struct BearerAuthMiddleware<Context: SCIMRequestContextProtocol, Repository: SCIMRepository>: RouterMiddleware {
    let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else { throw SCIMError.unauthorized() }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let tokenId = try await repository.authenticateSCIMToken(String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { throw SCIMError.unauthorized() }
        var context = context
        context.tokenId = tokenId
        context.logger[metadataKey: "scim.token.id"] = .string(tokenId)
        return try await next(request, context)
    }
}
