/// Why a token login is refused, and what the (unverified) token said about itself.
public struct TokenFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Malformed, a refused algorithm, a bad signature, wrong audience, a missing claim.
        case invalid
        /// `exp` passed, or older than the issuer's maximum token age.
        case expired
        /// `nbf` (or `iat`) is in the future beyond the allowed skew.
        case notYetValid
        /// No configured issuer has this `iss`.
        case unknownIssuer
        /// The issuer's keys could not be fetched: its logins are refused until they are.
        case issuerUnavailable
    }

    public var code: Code
    /// What failed, for the decision log (never the token itself).
    public var detail: String
    /// The token's `iss`, `sub` and `kid` as it claimed them (unverified).
    public var issuer: String?
    public var subject: String?
    public var keyID: String?

    public init(_ code: Code, _ detail: String, issuer: String? = nil, subject: String? = nil, keyID: String? = nil) {
        self.code = code
        self.detail = detail
        self.issuer = issuer
        self.subject = subject
        self.keyID = keyID
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
