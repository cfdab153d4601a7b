import Foundation
import JWTKit

/// Checks a token login against the configured issuers and the keys known now. Pure: the keys
/// are given, the time is given, nothing is fetched.
///
/// Order matters: the algorithm is checked before any key is chosen (`none` and HMAC are never
/// accepted), the key is chosen by the issuer's own `kid` and the header's algorithm together
/// (a key is never used with an algorithm it was not made for), and no claim is trusted before
/// the signature verifies.
public struct TokenVerifier: Sendable {
    /// Issuers by their exact `iss`.
    public let issuers: [String: OIDCIssuer]
    /// Tokens longer than this are refused unparsed.
    public static let maxTokenBytes = 16 * 1024
    private static let parser = DefaultJWTParser()

    public init(issuers: [OIDCIssuer]) {
        var byName: [String: OIDCIssuer] = [:]
        for issuer in issuers { byName[issuer.issuer] = issuer }
        self.issuers = byName
    }

    /// True when `token` has the shape of a JWS (three dot-separated parts): the callout then
    /// treats it as a token login rather than an opaque access token.
    public static func looksLikeJWT(_ token: String) -> Bool {
        var dots = 0
        for byte in token.utf8 {
            if byte == UInt8(ascii: ".") { dots += 1 } else if byte <= 0x20 { return false }
        }
        return dots == 2 && token.utf8.first == UInt8(ascii: "e")
    }

    /// Checks `token` with `keys` (by issuer) as of `now`.
    public func verify(_ token: String, keys: [String: IssuerKeys], now: Date) -> TokenVerification {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maxTokenBytes else { return .failed(.init(.invalid, "token is longer than \(Self.maxTokenBytes) bytes")) }
        let parsed: (header: JWTHeader, payload: TokenClaims, signature: Data)
        do {
            parsed = try Self.parser.parse(bytes, as: TokenClaims.self)
        } catch {
            return .failed(.init(.invalid, "token is not a well-formed JWS"))
        }
        let claims = parsed.payload
        let claimedIssuer = claims.string("iss")
        let subject = claims.string("sub")
        let kid = parsed.header.kid
        // Only a configured issuer is named in a failure: any other `iss` is the client's text.
        var knownIssuer: String?
        func fail(_ code: TokenFailure.Code, _ detail: String) -> TokenVerification {
            .failed(.init(code, detail, issuer: knownIssuer, subject: subject, keyID: kid))
        }
        guard let alg = parsed.header.alg, let algorithm = TokenAlgorithm(rawValue: alg) else {
            return fail(.invalid, "algorithm '\(parsed.header.alg ?? "-")' is never accepted")
        }
        guard let claimedIssuer else { return fail(.invalid, "token has no iss") }
        guard let issuer = issuers[claimedIssuer] else { return fail(.unknownIssuer, "no configured issuer has this iss") }
        knownIssuer = issuer.issuer
        guard issuer.algorithms.contains(algorithm) else { return fail(.invalid, "algorithm \(alg) is not allowed for this issuer") }
        guard let issuerKeys = keys[claimedIssuer], issuerKeys.isAvailable else {
            return fail(.issuerUnavailable, "the issuer's keys could not be fetched")
        }
        guard let kid, !kid.isEmpty else { return fail(.invalid, "token has no kid") }
        guard let key = issuerKeys.key(kid, algorithm, now: now, grace: issuer.staleKeyGrace) else {
            return .unknownKey(issuer: claimedIssuer, keyID: kid)
        }
        guard let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")),
              key.isValidSignature(parsed.signature, for: bytes[..<lastDot])
        else { return fail(.invalid, "signature does not verify") }

        // The signature holds: the claims are the issuer's. Now whether they are for us, now.
        let skew = issuer.clockSkew.timeInterval
        guard !claims.audiences.isEmpty, claims.audiences.contains(where: issuer.audiences.contains) else {
            return fail(.invalid, "aud names none of the configured audiences")
        }
        guard let expires = claims.date("exp") else { return fail(.invalid, "token has no exp") }
        guard now.timeIntervalSince(expires) < skew else { return fail(.expired, "token expired") }
        if let notBefore = claims.date("nbf"), notBefore.timeIntervalSince(now) > skew {
            return fail(.notYetValid, "token is not valid yet (nbf)")
        }
        let issuedAt = claims.date("iat")
        if let issuedAt, issuedAt.timeIntervalSince(now) > skew {
            return fail(.notYetValid, "token is issued in the future (iat)")
        }
        if let maxAge = issuer.maxTokenAge {
            guard let issuedAt else { return fail(.invalid, "token has no iat and the issuer has a maximum token age") }
            guard now.timeIntervalSince(issuedAt) <= maxAge.timeInterval + skew else {
                return fail(.expired, "token is older than the issuer's maximum token age")
            }
        }
        guard let value = claims.string(issuer.mapping.claim), !value.isEmpty, value.utf8.count <= 1024 else {
            return fail(.invalid, "token has no usable '\(issuer.mapping.claim)' claim")
        }
        let narrowing = issuer.narrowingClaim.map { Set(claims.strings($0) ?? []) }
        return .verified(VerifiedToken(issuer: claimedIssuer, subject: subject, keyID: kid, algorithm: algorithm,
                                       expires: expires, mapping: issuer.mapping, mappedValue: value, narrowing: narrowing))
    }
}
