import Hummingbird
import NIOCore
import IdentityStore
import Logging
import SCIM

/// Turns every error thrown below it into a SCIM error response (RFC 7644 §3.12).
///
/// Unknown errors become 500 with a generic detail; the cause is logged, never sent. The body
/// is written by the context's ``SCIMResponseEncoder``.
public struct SCIMErrorMiddleware<Context: SCIMRequestContextProtocol>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let scimError = Self.scimError(for: error, logger: context.logger)
            var response = try context.responseEncoder.encode(scimError.jsonBody, from: request, context: context)
            response.status = .init(code: scimError.status)
            if scimError.status == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
            if scimError.status == 429 { response.headers[.retryAfter] = "\(TokenConcurrencyLimiter.retryAfterSeconds)" }
            return response
        }
    }

    /// The SCIM error for any error.
    static func scimError(for error: any Error, logger: Logger) -> SCIMError {
        switch error {
        case let error as SCIMError:
            return error
        case let error as IdentityStoreError:
            if error.code == .passwordHashing { logger.error("password hashing failed") }
            return SCIMError(error)
        case is NIOTooManyBytesError:
            return .tooLarge("the request body is too large")
        case let error as any HTTPResponseError:
            let status = Int(error.status.code)
            switch status {
            case 404: return .notFound("no such endpoint")
            case 405: return .methodNotAllowed("method not allowed")
            case 413: return .tooLarge("the request body is too large")
            default: return SCIMError(status: status, detail: error.status.reasonPhrase)
            }
        default:
            logger.error("unexpected error in SCIM request", metadata: ["error.type": .string("\(type(of: error))")])
            return .internalError()
        }
    }
}
