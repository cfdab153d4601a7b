import Foundation
import IdentityStore
import OIDC
import Testing
@testable import AuthCallout

/// The token-login path of the decision machine, with plain calls: what it asks the shell to do
/// for each verification outcome, and what it records.
@Suite("Decision machine: token logins")
struct DecisionMachineTokenTests {
    typealias Fixture = DecisionMachineTests.Fixture
    static let issuer = "https://idp.example.com"
    static let jwtShaped = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    static var rules: DecisionMachine.Rules {
        var rules = Fixture.rules
        rules.tokenLogins = true
        rules.tokenPasswordUser = "oidc"
        return rules
    }

    static func verified(expiresIn seconds: TimeInterval = 600) -> VerifiedToken {
        VerifiedToken(issuer: issuer, subject: "sub-1", keyID: "k1", algorithm: .rs256,
                      expires: Fixture.now.addingTimeInterval(seconds), mapping: ClaimMapping(claim: "oid", attribute: .externalId),
                      mappedValue: "oid-alice", narrowing: nil)
    }

    /// A machine that has verified a request presenting `connect`, and the action it asked for.
    static func start(_ connect: ConnectRequest) -> (DecisionMachine, DecisionMachine.Action) {
        var machine = DecisionMachine(rules: rules, receivedAt: Fixture.now, now: Fixture.now, id: "d-1")
        let claims = VerifiedRequests.claims(for: connect, expires: Int64(Fixture.now.timeIntervalSince1970) + 60)
        let action = machine.requestVerified(claims, encrypted: true, now: Fixture.now, arrival: nil)
        return (machine, action)
    }

    /// Plays a reply and returns the record.
    static func record(_ machine: inout DecisionMachine, after action: DecisionMachine.Action) -> DecisionRecord? {
        guard case let .reply(decision) = action else { return nil }
        let jwt: SignedUserJWT? = if case let .allow(grant) = decision {
            SignedUserJWT(id: "jti", expires: Fixture.now.addingTimeInterval(grant.lifetime.timeInterval))
        } else { nil }
        guard case let .record(record, _) = machine.replied(userJWT: jwt, now: Fixture.now) else { return nil }
        return record
    }

    @Test func aVerifiedTokenLooksUpItsUserAndTheJWTEndsWithTheToken() throws {
        var (machine, action) = Self.start(ConnectRequest(token: Self.jwtShaped, now: Fixture.now))
        guard case let .verifyToken(token) = action else { Issue.record("asked \(action)"); return }
        #expect(token == Self.jwtShaped)
        action = machine.tokenChecked(.verified(Self.verified(expiresIn: 600)), now: Fixture.now)
        guard case .lookUp(.externalID("oid-alice")) = action else { Issue.record("asked \(action)"); return }
        action = machine.identityLoaded(Fixture.alice, policy: Fixture.policy, now: Fixture.now)
        guard case let .reply(.allow(grant)) = action else { Issue.record("asked \(action)"); return }
        #expect(grant.lifetime == .seconds(600), "the policy's 1 h is cut to the token's remaining 10 minutes")
        let record = try #require(Self.record(&machine, after: action))
        #expect(record.authMethod == .oidc && record.result == .allow)
        #expect(record.tokenIssuer == Self.issuer && record.tokenSubject == "sub-1" && record.tokenKeyID == "k1")
    }

    @Test func anUnknownKidIsRefetchedOnceThenRefused() throws {
        var (machine, action) = Self.start(ConnectRequest(user: "oidc", password: Self.jwtShaped, now: Fixture.now))
        guard case .verifyToken = action else { Issue.record("asked \(action)"); return }
        action = machine.tokenChecked(.unknownKey(issuer: Self.issuer, keyID: "new"), now: Fixture.now)
        guard case let .refetchKeys(issuer, token) = action else { Issue.record("asked \(action)"); return }
        #expect(issuer == Self.issuer && token == Self.jwtShaped)
        action = machine.tokenChecked(.unknownKey(issuer: Self.issuer, keyID: "new"), now: Fixture.now)
        guard case let .reply(.deny(denial)) = action else { Issue.record("asked \(action)"); return }
        #expect(denial.reason == .tokenInvalid)
        #expect(Self.record(&machine, after: action)?.tokenKeyID == "new")
    }

    @Test func failuresMapToTheirReasons() throws {
        let cases: [(TokenFailure, DecisionReason)] = [
            (TokenFailure(.invalid, "bad signature", issuer: Self.issuer), .tokenInvalid),
            (TokenFailure(.expired, "expired", issuer: Self.issuer), .tokenExpired),
            (TokenFailure(.notYetValid, "nbf", issuer: Self.issuer), .tokenNotYetValid),
            (TokenFailure(.unknownIssuer, "unknown"), .unknownIssuer),
            (TokenFailure(.issuerUnavailable, "no keys", issuer: Self.issuer), .issuerUnavailable),
        ]
        for (failure, reason) in cases {
            var (machine, _) = Self.start(ConnectRequest(token: Self.jwtShaped, now: Fixture.now))
            let action = machine.tokenChecked(.failed(failure), now: Fixture.now)
            let record = try #require(Self.record(&machine, after: action))
            #expect(record.reason == reason && record.authMethod == .oidc && record.tokenIssuer == failure.issuer)
        }
    }

    @Test func anOpaqueTokenStaysAnAccessToken() {
        let (_, action) = Self.start(ConnectRequest(token: "opaque-access-token", now: Fixture.now))
        guard case .lookUp(.accessTokenHash) = action else { Issue.record("asked \(action)"); return }
    }
}
