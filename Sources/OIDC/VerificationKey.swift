import Foundation
import JWTKit

/// One public key of an issuer, ready to verify: made by jwt-kit from a JWK, for exactly one
/// algorithm (a JWK without `alg` gives one key per algorithm its type allows).
public struct VerificationKey: Sendable {
    public let keyID: String
    public let algorithm: TokenAlgorithm
    let key: any JWTAlgorithm
    /// When this key was last seen in the issuer's JWKS.
    public var lastSeen: Date

    init(keyID: String, algorithm: TokenAlgorithm, key: any JWTAlgorithm, lastSeen: Date) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.key = key
        self.lastSeen = lastSeen
    }

    /// True when `signature` is this key's signature over `signingInput`.
    func isValidSignature(_ signature: some DataProtocol, for signingInput: some DataProtocol) -> Bool {
        (try? key.verify(signature, signs: signingInput)) ?? false
    }
}
