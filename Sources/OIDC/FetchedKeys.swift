/// One successful JWKS fetch: the keys jwt-kit could make, and how long the response may be
/// cached (`Cache-Control: max-age`), if it said.
public struct FetchedKeys: Sendable {
    public var keys: [VerificationKey]
    public var maxAge: Duration?
    /// JWKS entries skipped (no `kid`, an unsupported type or curve, a disallowed algorithm).
    public var skipped: Int
}
