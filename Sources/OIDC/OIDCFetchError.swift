/// Discovery or the JWKS could not be fetched or used. The message names the step and the
/// address, never a token.
public struct OIDCFetchError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
