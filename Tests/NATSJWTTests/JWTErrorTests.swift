import Foundation
import Testing
@testable import NATSJWT
import NKeys

/// Every `JWTError.Code` from the token that should cause it.
@Suite struct JWTErrorTests {
    let account: KeyPair
    let user: KeyPair
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        account = try KeyPair.generate(.account)
        user = try KeyPair.generate(.user)
    }

    func code(_ body: () throws -> Void) -> JWTError.Code? {
        do { try body() } catch let error as JWTError { return error.code } catch { return nil }
        return nil
    }

    func userToken(expires: Int64? = nil, notBefore: Int64? = nil, audience: String? = "APP") throws -> String {
        try JWT.encode(UserClaims(subject: user.publicKey, audience: audience, expires: expires,
                                  notBefore: notBefore, nats: NATSUser()), signedBy: account, issuedAt: now)
    }

    @Test func malformed() throws {
        for token in ["", "a.b", "a.b.c.d", "!!.e30.AA", "e30.e30.@@", "bm90IGpzb24.e30.AA"] {
            #expect(code { _ = try JWT.decode(token, as: NATSUser.self) } == .malformed, "\(token)")
        }
        let token = try userToken()
        let parts = token.split(separator: ".")
        let notJSON = "\(parts[0]).\(Base64URL.encode(Array("nope".utf8))).\(parts[2])"
        #expect(code { _ = try JWT.decode(notJSON, as: NATSUser.self) } == .malformed)
    }

    @Test func unsupportedHeader() {
        for header in [#"{"typ":"JWT","alg":"EdDSA"}"#, #"{"typ":"JOSE","alg":"ed25519-nkey"}"#, #"{}"#] {
            let token = JWTTestSupport.sign(claimsJSON: #"{"sub":"x","nats":{"type":"user"}}"#, with: account,
                                            header: header)
            #expect(code { _ = try JWT.decode(token, as: NATSUser.self) } == .unsupportedHeader)
        }
    }

    @Test func otherSpellingsOfTheNatsHeaderAreAccepted() throws {
        for header in [#"{"alg":"ed25519-nkey","typ":"JWT"}"#, #"{ "typ": "jwt", "alg": "ED25519-NKEY" }"#] {
            let token = JWTTestSupport.sign(
                claimsJSON: #"{"sub":"x","iss":"\#(account.publicKey)","nats":{"type":"user"}}"#, with: account,
                header: header)
            #expect(code { _ = try JWT.verify(token, as: NATSUser.self, now: now) } == nil)
        }
    }

    @Test func badClaims() {
        for json in [#"{"sub":"x"}"#, #"{"sub":5,"nats":{}}"#, #"[]"#, #"{"sub":"x","nats":{"subs":"many","type":"user"}}"#] {
            let token = JWTTestSupport.sign(claimsJSON: json, with: account)
            #expect(code { _ = try JWT.decode(token, as: NATSUser.self) } == .badClaims, "\(json)")
        }
    }

    @Test func wrongClaimType() throws {
        let token = try userToken()
        #expect(code { _ = try JWT.decode(token, as: NATSAuthorizationResponse.self) } == .wrongClaimType)
        let untyped = JWTTestSupport.sign(claimsJSON: #"{"sub":"x","nats":{}}"#, with: account)
        #expect(code { _ = try JWT.decode(untyped, as: NATSUser.self) } == .wrongClaimType)
    }

    @Test func badIssuer() throws {
        // Signer type not allowed for the claims, when encoding and when verifying.
        #expect(code { _ = try JWT.encode(UserClaims(subject: user.publicKey, nats: NATSUser()), signedBy: user) }
            == .badIssuer)
        let byUser = JWTTestSupport.sign(
            claimsJSON: #"{"sub":"x","iss":"\#(user.publicKey)","nats":{"type":"user"}}"#, with: user)
        #expect(code { _ = try JWT.verify(byUser, as: NATSUser.self, now: now) } == .badIssuer)
        let token = try userToken()
        #expect(code { _ = try JWT.verify(token, as: NATSUser.self, now: now, allowedIssuerTypes: [.operator]) }
            == .badIssuer)
        let noIssuer = JWTTestSupport.sign(claimsJSON: #"{"sub":"x","nats":{"type":"user"}}"#, with: account)
        #expect(code { _ = try JWT.verify(noIssuer, as: NATSUser.self, now: now) } == .badIssuer)
        let garbage = JWTTestSupport.sign(claimsJSON: #"{"sub":"x","iss":"AXXX","nats":{"type":"user"}}"#, with: account)
        #expect(code { _ = try JWT.verify(garbage, as: NATSUser.self, now: now) } == .badIssuer)
    }

    @Test func badSignature() throws {
        let token = try userToken()
        var parts = token.split(separator: ".").map(String.init)
        // Signed by another account key but claiming ours as issuer.
        let impostor = try KeyPair.generate(.account)
        let forged = parts[0] + "." + parts[1] + "."
            + Base64URL.encode(impostor.signature(for: Array((parts[0] + "." + parts[1]).utf8)))
        #expect(code { _ = try JWT.verify(forged, as: NATSUser.self, now: now) } == .badSignature)
        // Claims altered after signing.
        var claims = try JWT.decode(token, as: NATSUser.self)
        claims.nats.pub.allow = [">"]
        let altered = try JWT.encode(claims, signedBy: account)
        parts[1] = String(altered.split(separator: ".")[1])
        #expect(code { _ = try JWT.verify(parts.joined(separator: "."), as: NATSUser.self, now: now) } == .badSignature)
        // A signature three bytes short (canonically encoded), and one with non-canonical trailing bits.
        let original = try #require(Base64URL.decode(token.split(separator: ".")[2]))
        let short = token.split(separator: ".").prefix(2).joined(separator: ".") + "."
            + Base64URL.encode(original.dropLast(3))
        #expect(code { _ = try JWT.verify(short, as: NATSUser.self, now: now) } == .badSignature)
        // 61 bytes end in two characters whose last 4 bits must be zero; "B" sets one of them.
        let nonCanonical = String(short.dropLast()) + "B"
        #expect(code { _ = try JWT.verify(nonCanonical, as: NATSUser.self, now: now) } == .malformed)
        // decode alone does not check signatures.
        #expect(code { _ = try JWT.decode(forged, as: NATSUser.self) } == nil)
    }

    @Test func expiredAndNotYetValidRespectLeeway() throws {
        let expiring = try userToken(expires: 1_800_000_000)
        #expect(code { _ = try JWT.verify(expiring, as: NATSUser.self, now: now) } == nil)
        let later = now.addingTimeInterval(3)
        #expect(code { _ = try JWT.verify(expiring, as: NATSUser.self, now: later) } == .expired)
        #expect(code { _ = try JWT.verify(expiring, as: NATSUser.self, now: later, leeway: .seconds(5)) } == nil)

        let future = try userToken(notBefore: 1_800_000_010)
        #expect(code { _ = try JWT.verify(future, as: NATSUser.self, now: now) } == .notYetValid)
        #expect(code { _ = try JWT.verify(future, as: NATSUser.self, now: now, leeway: .seconds(10)) } == nil)
    }

    @Test func audienceMismatch() throws {
        let token = try userToken(audience: "APP")
        #expect(code { _ = try JWT.verify(token, as: NATSUser.self, now: now, expectedAudience: "OTHER") }
            == .audienceMismatch)
        let none = try userToken(audience: nil)
        #expect(code { _ = try JWT.verify(none, as: NATSUser.self, now: now, expectedAudience: "APP") }
            == .audienceMismatch)
        #expect(code { _ = try JWT.verify(none, as: NATSUser.self, now: now) } == nil)
    }

    @Test func missingSubject() {
        #expect(code { _ = try JWT.encode(UserClaims(subject: "", nats: NATSUser()), signedBy: account) }
            == .missingSubject)
    }

    @Test func errorsNeverEchoSecrets() throws {
        let json = #"{"sub":"x","nats":{"connect_opts":{"pass":"hunter2"},"server_id":{},"type":"user"}}"#
        let token = JWTTestSupport.sign(claimsJSON: json, with: account)
        do {
            _ = try JWT.decode(token, as: NATSAuthorizationRequest.self)
            Issue.record("accepted a request without user_nkey")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
            #expect(!"\(error)".contains(token.prefix(20)))
        }
    }
}
