import Foundation
import IdentityStore

/// A token whose signature, issuer, audience and times verified, and the SCIM user it names.
public struct VerifiedToken: Sendable, Hashable {
    public var issuer: String
    public var subject: String?
    public var keyID: String
    public var algorithm: TokenAlgorithm
    /// The token's `exp`: the NATS user JWT never outlives it.
    public var expires: Date
    /// The mapping applied, and the claim value it read.
    public var mapping: ClaimMapping
    public var mappedValue: String
    /// The narrowing claim's values when the issuer has one (nil: no narrowing).
    public var narrowing: Set<String>?

    public init(issuer: String, subject: String?, keyID: String, algorithm: TokenAlgorithm, expires: Date,
                mapping: ClaimMapping, mappedValue: String, narrowing: Set<String>?) {
        self.issuer = issuer
        self.subject = subject
        self.keyID = keyID
        self.algorithm = algorithm
        self.expires = expires
        self.mapping = mapping
        self.mappedValue = mappedValue
        self.narrowing = narrowing
    }

    /// The store lookup for the SCIM user the token names.
    public var credentialKey: CredentialKey { mapping.credentialKey(for: mappedValue) }
}
