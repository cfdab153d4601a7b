import Crypto
import CryptoExtras
import Foundation
import JWTKit
@testable import OIDC
import Testing
import TestSupport

/// The pure token checks, with keys made in process (no HTTP): every refusal the issue lists.
@Suite("Token verifier")
struct TokenVerifierTests {
    static let issuerName = "https://idp.example.com/tenant"
    static let audience = "nats-app"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct Keys {
        let signer: JWTKeyCollection
        let keys: [String: IssuerKeys]
        let jwk: JWK
    }

    static func makeKeys(kid: String = "k1", allowed: Set<TokenAlgorithm> = [.es256, .rs256]) async throws -> Keys {
        let key = ES256PrivateKey()
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        let parameters = try #require(key.publicKey.parameters)
        // No `alg` in the JWK, as Entra publishes them: the key type decides.
        let jwk = JWK.ecdsa(nil, identifier: JWKIdentifier(string: kid), x: parameters.x, y: parameters.y, curve: .p256)
        var issuerKeys = IssuerKeys()
        issuerKeys.merge(await JWKSFetcher.verificationKeys(from: jwk, allowed: allowed, now: now), at: now, grace: .seconds(60))
        return Keys(signer: signer, keys: [issuerName: issuerKeys], jwk: jwk)
    }

    static func verifier(maxTokenAge: Duration? = nil, algorithms: Set<TokenAlgorithm> = [.es256, .rs256]) -> TokenVerifier {
        TokenVerifier(issuers: [OIDCIssuer(issuer: issuerName, audiences: [audience], algorithms: algorithms,
                                           mapping: ClaimMapping(claim: "oid", attribute: .externalId),
                                           clockSkew: .seconds(30), maxTokenAge: maxTokenAge, staleKeyGrace: .seconds(60))])
    }

    static func claims(_ changes: [String: TestClaim] = [:]) -> [String: TestClaim] {
        var claims = TestOIDCIssuer.claims(audience: audience, subject: "subject-1", now: now, ["oid": "object-1", "iss": .string(issuerName)])
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    static func sign(_ claims: [String: TestClaim], with keys: Keys, kid: String = "k1") async throws -> String {
        try await keys.signer.sign(TestTokenPayload(claims), kid: JWKIdentifier(string: kid))
    }

    static func failure(_ verification: TokenVerification) -> TokenFailure.Code? {
        if case let .failed(failure) = verification { return failure.code }
        return nil
    }

    @Test func verifiesAndMapsTheClaim() async throws {
        let keys = try await Self.makeKeys()
        let token = try await Self.sign(Self.claims(), with: keys)
        guard case let .verified(verified) = Self.verifier().verify(token, keys: keys.keys, now: Self.now) else {
            Issue.record("not verified")
            return
        }
        #expect(verified.credentialKey == .externalID("object-1"))
        #expect(verified.subject == "subject-1")
        #expect(verified.keyID == "k1")
        #expect(verified.algorithm == .es256)
    }

    @Test func refusesWrongAudienceIssuerAndTimes() async throws {
        let keys = try await Self.makeKeys()
        let verifier = Self.verifier(maxTokenAge: .seconds(300))
        let seconds = Int64(Self.now.timeIntervalSince1970)
        let cases: [([String: TestClaim], TokenFailure.Code)] = [
            (["aud": "someone-else"], .invalid),
            (["iss": "https://evil.example.com"], .unknownIssuer),
            (["exp": .integer(seconds - 31)], .expired),
            (["nbf": .integer(seconds + 120)], .notYetValid),
            (["iat": .integer(seconds - 400)], .expired),
            (["oid": .integer(5)], .invalid),
        ]
        for (changes, expected) in cases {
            let token = try await Self.sign(Self.claims(changes), with: keys)
            #expect(Self.failure(verifier.verify(token, keys: keys.keys, now: Self.now)) == expected, "\(changes)")
        }
        // Within the skew is fine.
        let lenient = try await Self.sign(Self.claims(["exp": .integer(seconds - 10)]), with: keys)
        #expect(Self.failure(verifier.verify(lenient, keys: keys.keys, now: Self.now)) == nil)
    }

    @Test func refusesTamperingNoneAndHMACWithThePublicKey() async throws {
        let keys = try await Self.makeKeys()
        let verifier = Self.verifier()
        let token = try await Self.sign(Self.claims(), with: keys)
        let parts = token.split(separator: ".").map(String.init)
        // Tampered payload: another user, the original signature.
        let forged = TestOIDCIssuer.base64URL(try JSONEncoder().encode(TestTokenPayload(Self.claims(["oid": "admin"]))))
        #expect(Self.failure(verifier.verify("\(parts[0]).\(forged).\(parts[2])", keys: keys.keys, now: Self.now)) == .invalid)
        // alg none, no signature.
        let none = TestOIDCIssuer.base64URL(Data(#"{"alg":"none","kid":"k1","typ":"JWT"}"#.utf8))
        #expect(Self.failure(verifier.verify("\(none).\(parts[1]).", keys: keys.keys, now: Self.now)) == .invalid)
        // HS256 with the issuer's public key (its JWK) as the secret.
        let hs = TestOIDCIssuer.base64URL(Data(#"{"alg":"HS256","kid":"k1","typ":"JWT"}"#.utf8))
        let secret = SymmetricKey(data: try JSONEncoder().encode(keys.jwk))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(hs).\(parts[1])".utf8), using: secret)
        #expect(Self.failure(verifier.verify("\(hs).\(parts[1]).\(TestOIDCIssuer.base64URL(Data(mac)))", keys: keys.keys, now: Self.now)) == .invalid)
        // An algorithm the issuer does not allow.
        #expect(Self.failure(Self.verifier(algorithms: [.rs256]).verify(token, keys: keys.keys, now: Self.now)) == .invalid)
        // Garbage.
        #expect(Self.failure(verifier.verify("eyJ.not.a-token", keys: keys.keys, now: Self.now)) == .invalid)
    }

    @Test func unknownKidAndUnavailableIssuer() async throws {
        let keys = try await Self.makeKeys()
        let other = try await Self.makeKeys(kid: "k2")
        let token = try await Self.sign(Self.claims(), with: other, kid: "k2")
        guard case let .unknownKey(issuer, kid) = Self.verifier().verify(token, keys: keys.keys, now: Self.now) else {
            Issue.record("expected an unknown kid")
            return
        }
        #expect(issuer == Self.issuerName && kid == "k2")
        #expect(Self.failure(Self.verifier().verify(token, keys: [Self.issuerName: IssuerKeys()], now: Self.now)) == .issuerUnavailable)
        // A key that vanished is kept only for the grace period.
        let late = Self.now.addingTimeInterval(61)
        let ownToken = try await Self.sign(Self.claims(["exp": .integer(Int64(late.timeIntervalSince1970) + 600)]), with: keys)
        guard case .unknownKey = Self.verifier().verify(ownToken, keys: keys.keys, now: late) else {
            Issue.record("a key past its grace must not verify")
            return
        }
    }

    @Test func cacheControlMaxAge() {
        #expect(JWKSFetcher.maxAge(cacheControl: "public, max-age=120") == .seconds(120))
        #expect(JWKSFetcher.maxAge(cacheControl: "no-store") == nil)
        #expect(JWKSFetcher.maxAge(cacheControl: "public") == nil)
    }

    @Test func jwtShape() {
        #expect(TokenVerifier.looksLikeJWT("eyJh.eyJi.sig"))
        #expect(!TokenVerifier.looksLikeJWT("scim-callout-access-token"))
        #expect(!TokenVerifier.looksLikeJWT("eyJh.eyJi"))
    }
}

/// Every accepted algorithm verifies with a key made from its JWK, and only under its own name.
@Suite("Token verifier: algorithms")
struct TokenVerifierAlgorithmTests {
    static let now = TokenVerifierTests.now

    /// Signs a token with `signer` (`kid` "k") and checks it against keys made from `jwk`.
    static func check(_ algorithm: TokenAlgorithm, signer: JWTKeyCollection, jwk: JWK) async throws -> TokenVerification {
        var issuerKeys = IssuerKeys()
        issuerKeys.merge(await JWKSFetcher.verificationKeys(from: jwk, allowed: Set(TokenAlgorithm.allCases), now: now),
                         at: now, grace: .seconds(60))
        let token = try await signer.sign(TestTokenPayload(TokenVerifierTests.claims()), kid: "k")
        let verifier = TokenVerifier(issuers: [OIDCIssuer(issuer: TokenVerifierTests.issuerName, audiences: [TokenVerifierTests.audience],
                                                          algorithms: [algorithm], mapping: ClaimMapping(claim: "oid", attribute: .externalId))])
        return verifier.verify(token, keys: [TokenVerifierTests.issuerName: issuerKeys], now: now)
    }

    static func verified(_ verification: TokenVerification, _ algorithm: TokenAlgorithm) -> Bool {
        if case let .verified(token) = verification { return token.algorithm == algorithm }
        return false
    }

    @Test func es384AndEdDSA() async throws {
        let ec = ES384PrivateKey()
        let ecSigner = JWTKeyCollection()
        await ecSigner.add(ecdsa: ec, kid: "k")
        let parameters = try #require(ec.publicKey.parameters)
        let ecJWK = JWK.ecdsa(nil, identifier: "k", x: parameters.x, y: parameters.y, curve: .p384)
        #expect(Self.verified(try await Self.check(.es384, signer: ecSigner, jwk: ecJWK), .es384))

        let ed = try EdDSA.PrivateKey(curve: .ed25519)
        let edSigner = JWTKeyCollection()
        await edSigner.add(eddsa: ed, kid: "k")
        let edJWK = JWK.octetKeyPair(nil, identifier: "k", x: TestOIDCIssuer.base64URL(ed.publicKey.rawRepresentation), y: nil,
                                     curve: .ed25519)
        #expect(Self.verified(try await Self.check(.edDSA, signer: edSigner, jwk: edJWK), .edDSA))
    }

    @Test func rsaPaddingsAndDigestsAreNotInterchangeable() async throws {
        let key = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        // No `alg` in the JWK: one key per RSA algorithm is made, each checked under its own name only.
        let jwk = JWK.rsa(nil, identifier: "k", modulus: TestOIDCIssuer.base64URL(modulus), exponent: TestOIDCIssuer.base64URL(exponent))
        let pss = JWTKeyCollection()
        await pss.add(pss: key, digestAlgorithm: .sha256, kid: "k")
        #expect(Self.verified(try await Self.check(.ps256, signer: pss, jwk: jwk), .ps256))
        let rs384 = JWTKeyCollection()
        await rs384.add(rsa: key, digestAlgorithm: .sha384, kid: "k")
        #expect(Self.verified(try await Self.check(.rs384, signer: rs384, jwk: jwk), .rs384))
        // An RS384 token is refused where only RS256 is allowed, though the key is the same.
        #expect(!Self.verified(try await Self.check(.rs256, signer: rs384, jwk: jwk), .rs256))
    }
}
