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

    /// The store lookup for the SCIM user the token names.
    public var credentialKey: CredentialKey { mapping.credentialKey(for: mappedValue) }
}
