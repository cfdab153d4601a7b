/// The outcome of checking one token against the keys known now.
public enum TokenVerification: Sendable {
    case verified(VerifiedToken)
    case failed(TokenFailure)
    /// Signed with a `kid` the issuer's key set does not have (yet): after a (rate-limited)
    /// refetch the token is checked once more; still unknown, it is refused.
    case unknownKey(issuer: String, keyID: String)
}
