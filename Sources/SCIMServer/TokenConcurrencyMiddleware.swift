import Hummingbird
import Metrics
import SCIM

/// Refuses a SCIM request with 429 and `Retry-After` when its bearer token already has
/// ``TokenConcurrencyLimiter/maxPerToken`` requests in progress; runs after
/// ``BearerAuthMiddleware``, so the token is known and unauthenticated requests never count.
///
/// The slot is held until the route returns, body read included: a token whose requests send
/// their bodies slowly uses up its own slots, not another token's.
public struct TokenConcurrencyMiddleware<Context: SCIMRequestContextProtocol>: RouterMiddleware {
    let limiter: TokenConcurrencyLimiter
    let rejections: Counter

    public init(limiter: TokenConcurrencyLimiter, factory: any MetricsFactory = MetricsSystem.factory) {
        self.limiter = limiter
        self.rejections = Counter(label: "scim_token_concurrency_rejections_total", factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let token = context.tokenId else { return try await next(request, context) }
        guard limiter.acquire(token) else {
            rejections.increment()
            context.logger.debug("SCIM request refused: the token has too many requests in progress",
                                 metadata: ["scim.token.max_concurrent": "\(limiter.maxPerToken)"])
            throw SCIMError.tooManyRequests(
                "this token already has \(limiter.maxPerToken) requests in progress; retry later")
        }
        defer { limiter.release(token) }
        return try await next(request, context)
    }
}
