import Foundation
import NKeys

extension JWT {
    /// Signs `claims` as `encode(_:signedBy:issuedAt:)` does, returning bytes and `jti`.
    /// - Throws: as `encode(_:signedBy:issuedAt:)`.
    public static func signed<Payload>(
        _ claims: JWTClaims<Payload>, by signer: KeyPair, issuedAt: Date = Date()
    ) throws(JWTError) -> SignedJWT {
        guard !claims.subject.isEmpty else { throw JWTError(.missingSubject, "claims need a subject") }
        guard Payload.allowedIssuerTypes.contains(signer.type) else {
            throw JWTError(.badIssuer, "a \(signer.type) key may not sign \(Payload.claimType) claims")
        }
        var claims = claims
        claims.issuer = signer.publicKey
        claims.issuedAt = unixSeconds(issuedAt)
        claims.id = nil
        let id = claims.computedID()
        claims.id = id
        let payload = try claimsJSON(claims)
        // One buffer from header to signature: no String round trips on the way.
        var token = [UInt8]()
        token.reserveCapacity(encodedHeaderBytes.count + Base64URL.encodedCount(payload.count) + 90)
        token.append(contentsOf: encodedHeaderBytes)
        token.append(UInt8(ascii: "."))
        Base64URL.encode(payload, into: &token)
        let signature = signer.signature(for: token)
        token.append(UInt8(ascii: "."))
        Base64URL.encode(signature, into: &token)
        return SignedJWT(bytes: token, id: id)
    }

    /// `decode(_:as:)` for a token given as UTF-8 bytes (as it arrives in a message).
    public static func decode<Payload>(utf8 token: [UInt8], as type: Payload.Type = Payload.self) throws(JWTError)
        -> JWTClaims<Payload>
    {
        try parse(token, as: type).claims
    }

    /// `verify(_:as:now:expectedAudience:allowedIssuerTypes:leeway:)` for a token given as
    /// UTF-8 bytes (as it arrives in a message).
    public static func verify<Payload>(
        utf8 token: [UInt8],
        as type: Payload.Type = Payload.self,
        now: Date,
        expectedAudience: String? = nil,
        allowedIssuerTypes: Set<NKeyType>? = nil,
        leeway: Duration = .zero
    ) throws(JWTError) -> JWTClaims<Payload> {
        let parsed = try parse(token, as: type)
        let claims = parsed.claims
        let issuerTypes = allowedIssuerTypes ?? Payload.allowedIssuerTypes
        guard let issuer = claims.issuer, let key = try? PublicKey(issuer) else {
            throw JWTError(.badIssuer, "iss is missing or not a valid public key")
        }
        guard issuerTypes.contains(key.type) else {
            throw JWTError(.badIssuer, "a \(key.type) key may not issue these \(Payload.claimType) claims")
        }
        guard key.isValidSignature(parsed.signature, for: parsed.signingInput) else {
            throw JWTError(.badSignature, "signature does not verify against iss")
        }
        let nowSeconds = now.timeIntervalSince1970
        let skew = Double(leeway.components.seconds) + Double(leeway.components.attoseconds) / 1e18
        if let expires = claims.expires, expires > 0, nowSeconds > Double(expires) + skew {
            throw JWTError(.expired, "token expired")
        }
        if let notBefore = claims.notBefore, notBefore > 0, nowSeconds + skew < Double(notBefore) {
            throw JWTError(.notYetValid, "token is not valid yet")
        }
        if let expectedAudience, claims.audience != expectedAudience {
            throw JWTError(.audienceMismatch, "aud is not the expected audience")
        }
        return claims
    }
}
