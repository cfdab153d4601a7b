import Foundation
import IdentityStore
import Logging
import NKeys
import Testing
@testable import AuthCallout

/// `TestIdentities` without a decoy hash: denials that would spend a decoy check are decided at once.
struct IdentitiesWithoutDecoy: IdentityReading {
    let base: TestIdentities
    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? { try base.identity(for: key, asOf: asOf) }
    func verifyPassword(_ password: String, hash: String) -> Bool { base.verifyPassword(password, hash: hash) }
    var decoyPasswordHash: String? { nil }
}

/// A store that fails every read (a broken or locked database).
struct FailingIdentities: IdentityReading {
    struct Failure: Error {}
    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? { throw Failure() }
    func verifyPassword(_ password: String, hash: String) -> Bool { true }
    var decoyPasswordHash: String? { "test-hash:anything" }
}

/// The machine, run as the handler runs it, decides everything that needs no argon2id check
/// without waiting (`begin`), and waits for exactly the argon2id cases (`finish`), deciding as
/// `decide` does.
@Suite("Decision machine: decided without waiting unless a password check is needed")
struct AuthorizerStepTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600 + 12 * 3600)
    static let policyYAML = """
        account: APP
        bindings:
          - group: developers
            publish: ["app.{{userName}}.>"]
            subscribe: ["_INBOX.>"]
        """
    let identities = TestIdentities()
    let policy: PolicyStore
    let key: KeyPair

    init() throws {
        policy = try PolicyStore.parsing(Self.policyYAML)
        key = try KeyPair.generate(.user)
        identities.put(Identity(id: "id-alice", userName: "alice", passwordHash: "test-hash:pw1", nkeys: [key.publicKey],
                                       groups: [.init(displayName: "developers")]))
        identities.put(Identity(id: "id-ina", userName: "ina", active: false, passwordHash: "test-hash:pw1",
                                       groups: [.init(displayName: "developers")]))
        identities.put(Identity(id: "id-nopw", userName: "nopw", passwordHash: nil, groups: [.init(displayName: "developers")]))
        identities.issueToken("tok-alice", for: "alice")
    }

    func authorizer(_ identities: (any IdentityReading)? = nil, maxLifetime: Duration? = nil) -> Authorizer {
        Authorizer(identities: identities ?? self.identities, policy: policy, maxLifetime: maxLifetime)
    }

    func password(_ user: String, _ password: String) -> ConnectRequest {
        ConnectRequest(user: user, password: password, host: "127.0.0.1", clientID: 7, now: Self.now)
    }

    func nkey(nonce: String = "Xq3nU9Tg0kwqy1A") -> ConnectRequest {
        let signature = Data(key.signature(for: Array(nonce.utf8))).base64EncodedString()
        return ConnectRequest(nkey: key.publicKey, signature: signature, nonce: nonce, now: Self.now)
    }

    /// The decision when `begin` needed no password check; nil (and an issue) otherwise.
    func decided(_ step: MachineStep, sourceLocation: SourceLocation = #_sourceLocation) -> AuthorizationDecision? {
        guard case let .decided(decision) = step else {
            Issue.record("expected .decided, got \(step)", sourceLocation: sourceLocation)
            return nil
        }
        return decision
    }

    /// The pending check when `begin` needs one; nil (and an issue) otherwise.
    func pending(_ step: MachineStep, sourceLocation: SourceLocation = #_sourceLocation) -> PendingCheck? {
        guard case let .needsPasswordCheck(pending) = step else {
            Issue.record("expected .needsPasswordCheck, got \(step)", sourceLocation: sourceLocation)
            return nil
        }
        return pending
    }

    @Test func nkeyAndTokenAreDecidedWithoutAPasswordCheck() throws {
        let authorizer = authorizer()
        let byKey = try #require(decided(authorizer.begin(nkey())))
        #expect(byKey.reason == .allowed)
        guard case let .allow(grant) = byKey else { Issue.record("nkey denied"); return }
        #expect(grant.authMethod == .nkey && grant.userID == "id-alice")
        // A bad signature is decided at once too (a denial, no decoy check for nkeys).
        let replayed = ConnectRequest(nkey: key.publicKey, signature: nkey().signature, nonce: "another-nonce", now: Self.now)
        #expect(decided(authorizer.begin(replayed))?.reason == .wrongSecret)

        let byToken = try #require(decided(authorizer.begin(ConnectRequest(token: "tok-alice", now: Self.now))))
        guard case let .allow(tokenGrant) = byToken else { Issue.record("token denied: \(byToken.reason)"); return }
        #expect(tokenGrant.authMethod == .token && tokenGrant.accessTokenHash == SecretToken.hash("tok-alice"))
        #expect(decided(authorizer.begin(ConnectRequest(token: "tok-unknown", now: Self.now)))?.reason == .unknownUser)
        #expect(decided(authorizer.begin(ConnectRequest(now: Self.now)))?.reason == .noCredentials)
        #expect(identities.verifications == 0, "no argon2id check ran")
    }

    @Test func aPasswordCacheMissNeedsACheckAndAHitIsDecided() async throws {
        let authorizer = authorizer()
        let miss = try #require(pending(authorizer.begin(password("alice", "pw1"))))
        #expect(identities.verifications == 0, "begin never runs the check itself")
        let decision = await authorizer.finish(miss)
        #expect(decision.reason == .allowed)
        #expect(identities.verifications == 1)

        // The verified password is cached: the next connect is decided without waiting.
        let hit = try #require(decided(authorizer.begin(password("alice", "pw1"))))
        #expect(hit == decision, "a cache hit grants what the check granted")
        #expect(identities.verifications == 1)

        // A wrong password is never cached; each try costs a check.
        let wrong = try #require(pending(authorizer.begin(password("alice", "nope"))))
        #expect(await authorizer.finish(wrong).reason == .wrongSecret)
        _ = try #require(pending(authorizer.begin(password("alice", "nope"))))
    }

    @Test(arguments: [("bob", DecisionReason.unknownUser), ("ina", .inactiveUser), ("nopw", .wrongSecret)])
    func denialsSpendADecoyCheckWhenADecoyHashIsConfigured(_ user: String, _ reason: DecisionReason) async throws {
        let authorizer = authorizer()
        let decoy = try #require(pending(authorizer.begin(password(user, "pw1"))))
        #expect(await authorizer.finish(decoy).reason == reason)
        #expect(identities.verifications == 1, "the decoy check ran")
        // A password that matches the decoy hash still denies.
        let matching = try #require(pending(authorizer.begin(password(user, TestIdentities.decoySecret))))
        #expect(await authorizer.finish(matching).reason == reason)
    }

    @Test(arguments: [("bob", DecisionReason.unknownUser), ("ina", .inactiveUser), ("nopw", .wrongSecret)])
    func withoutADecoyHashDenialsAreDecidedAtOnce(_ user: String, _ reason: DecisionReason) {
        let authorizer = authorizer(IdentitiesWithoutDecoy(base: identities))
        #expect(decided(authorizer.begin(password(user, "pw1")))?.reason == reason)
        #expect(identities.verifications == 0)
        // A real user's cache miss still needs its check.
        _ = pending(authorizer.begin(password("alice", "pw1")))
    }

    @Test func aStoreFailureIsAnInternalErrorDecidedAtOnce() throws {
        let authorizer = authorizer(FailingIdentities())
        for request in [password("alice", "pw1"), nkey(), ConnectRequest(token: "tok-alice", now: Self.now)] {
            let denial = try #require(decided(authorizer.begin(request)))
            #expect(denial.reason == .internalError, "\(request)")
            guard case let .deny(details) = denial else { continue }
            #expect(details.detail.contains("identity store"))
            #expect(details.authMethod == request.authMethod)
        }
    }

    /// `begin` + `finish` on one authorizer decide exactly what `decide` decides on another
    /// (separate credential caches, same store and policy).
    @Test(arguments: [
        ("alice", "pw1"), ("alice", "wrong"), ("bob", "pw1"), ("ina", "pw1"), ("nopw", "pw1"), ("alice", TestIdentities.decoySecret),
    ])
    func beginThenFinishDecidesAsDecide(_ user: String, _ secret: String) async {
        let request = password(user, secret)
        let expected = await authorizer().decide(request)
        let stepped: AuthorizationDecision
        switch authorizer().begin(request) {
        case let .decided(decision): stepped = decision
        case let .needsPasswordCheck(check): stepped = await authorizer().finish(check)
        }
        #expect(stepped == expected)
    }

    @Test func begunAndDecidedGrantsAreEqualForNKeyAndToken() async {
        for request in [nkey(), ConnectRequest(token: "tok-alice", now: Self.now)] {
            let expected = await authorizer().decide(request)
            #expect(decided(authorizer().begin(request)) == expected)
            #expect(expected.reason == .allowed)
        }
    }

    /// Whether `text` shows `secret`; tested as a plain Bool so a failure never prints either.
    func shows(_ text: String, _ secret: String) -> Bool { text.contains(secret) }

    @Test func pendingCheckDescriptionNeverShowsThePassword() throws {
        let secret = "correct horse battery staple"
        let authorizer = authorizer()
        let verify = try #require(pending(authorizer.begin(password("alice", secret))))
        let decoy = try #require(pending(authorizer.begin(password("bob", secret))))
        for check in [verify.check, decoy.check] {
            for text in ["\(check)", String(describing: check), String(reflecting: check)] {
                let leaksPassword = shows(text, secret), leaksHash = shows(text, "test-hash")
                #expect(!leaksPassword)
                #expect(!leaksHash, "nor the stored hash")
            }
        }
        for machine in [verify.machine, decoy.machine] {
            let text = "\(machine) \(String(reflecting: machine))"
            let leaksPassword = shows(text, secret), leaksHash = shows(text, "test-hash")
            #expect(!leaksPassword && !leaksHash, "nor does the waiting machine")
        }
        #expect("\(verify.check)" == "PasswordCheck(user id-alice)", "it says whose check it is")
        #expect("\(decoy.check)" == "PasswordCheck(decoy for unknown_user)")
    }

    /// `dump`, debuggers and Swift Testing's value expansion read the mirror: the password
    /// must not be reachable there either (`ConnectOptions` hides its secrets from its mirror
    /// with `CustomReflectable`; so do `PasswordCheck`, the `DecisionMachine` and the `ConnectRequest`).
    @Test func pendingCheckMirrorNeverShowsThePassword() throws {
        let secret = "correct horse battery staple"
        let verify = try #require(pending(authorizer().begin(password("alice", secret))))
        var dumpedCheck = ""
        dump(verify.check, to: &dumpedCheck)
        dump(verify.machine, to: &dumpedCheck)
        var dumpedRequest = ""
        dump(password("alice", secret), to: &dumpedRequest)
        let checkLeaks = shows(dumpedCheck, secret), checkLeaksHash = shows(dumpedCheck, "test-hash")
        let requestLeaks = shows(dumpedRequest, secret)
        #expect(!checkLeaks, "dump(PasswordCheck) or dump(DecisionMachine) shows the password")
        #expect(!checkLeaksHash, "dump(PasswordCheck) or dump(DecisionMachine) shows the stored hash")
        #expect(!requestLeaks, "dump(ConnectRequest) shows the password")
        #expect(dumpedCheck.contains("id-alice") && dumpedRequest.contains("<redacted>"), "the mirror still says who and what")
    }

    @Test func maxLifetimeCapsTheGrantOnEveryPath() async throws {
        let capped = authorizer(maxLifetime: .seconds(120))
        guard case let .allow(byKey)? = decided(capped.begin(nkey())) else { Issue.record("nkey denied"); return }
        #expect(byKey.lifetime == .seconds(120), "policy default is 3600 s; the cap wins")
        let check = try #require(pending(capped.begin(password("alice", "pw1"))))
        guard case let .allow(byPassword) = await capped.finish(check) else { Issue.record("password denied"); return }
        #expect(byPassword.lifetime == .seconds(120))

        // A cap above the policy's lifetime changes nothing; a lower per-user cap still wins.
        guard case let .allow(loose)? = decided(authorizer(maxLifetime: .seconds(86_400)).begin(nkey())) else {
            Issue.record("nkey denied"); return
        }
        #expect(loose.lifetime == .seconds(3600))
        identities.update("alice") { $0.jwtLifetimeSeconds = 30 }
        guard case let .allow(perUser)? = decided(capped.begin(nkey())) else { Issue.record("nkey denied"); return }
        #expect(perUser.lifetime == .seconds(30))
    }
}
