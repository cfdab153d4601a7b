import Foundation
import IdentityStore
import Logging
import NKeys
import Testing
@testable import AuthCallout

/// A small identity source for decision tests; counts password verifications so tests can see
/// the cache at work. (The real `IdentityDatabase` is exercised in the integration tests.)
final class TestIdentities: IdentityReading, @unchecked Sendable {
    private let lock = NSLock()
    private var users: [String: Identity] = [:]
    private var tokens: [String: String] = [:]
    private(set) var verifications = 0

    func put(_ identity: Identity) { lock.withLock { users[identity.userName] = identity } }
    func remove(_ userName: String) { lock.withLock { users[userName] = nil } }
    func update(_ userName: String, _ change: (inout Identity) -> Void) {
        lock.withLock {
            guard var user = users[userName] else { return }
            change(&user)
            user.version += 1
            users[userName] = user
        }
    }
    func issueToken(_ token: String, for userName: String) { lock.withLock { tokens[token] = userName } }

    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? {
        lock.withLock {
            switch key {
            case let .userName(userName): users[userName]
            case let .nkey(nkey): users.values.first { $0.nkeys.contains(nkey) }
            case let .accessTokenHash(hash): tokens.first { SecretToken.hash($0.key) == hash }.flatMap { users[$0.value] }
            case let .id(id): users.values.first { $0.id == id }
            case let .externalID(externalID): users.values.first { $0.externalId == externalID }
            case let .email(email): users[email]
            }
        }
    }
    func revokeToken(_ token: String) { lock.withLock { tokens[token] = nil } }
    func verifyPassword(_ password: String, hash: String) -> Bool {
        lock.withLock { verifications += 1 }
        return hash == "test-hash:" + password
    }
    /// Verifies only for the password `TestIdentities.decoySecret`, so a test can show that even
    /// a matching decoy never allows.
    var decoyPasswordHash: String? { "test-hash:" + Self.decoySecret }
    static let decoySecret = "decoy-secret"
}

@Suite("Authorizer: credentials, live state, policy")
struct AuthorizerTests {
    let identities = TestIdentities()
    let authorizer: Authorizer
    static let now = Date(timeIntervalSince1970: 1_767_225_600 + 12 * 3600)

    init() throws {
        let policy = try PolicyStore.parsing("""
            account: APP
            bindings:
              - group: developers
                publish: ["app.{{userName}}.>"]
                subscribe: ["_INBOX.>"]
              - group: admins
                publish: [">"]
                subscribe: [">"]
            """)
        authorizer = Authorizer(identities: identities, policy: policy)
        identities.put(Identity(id: "id-alice", userName: "alice", passwordHash: "test-hash:pw1",
                                       groups: [.init(displayName: "developers")]))
    }

    func request(user: String? = "alice", password: String? = "pw1") -> ConnectRequest {
        ConnectRequest(user: user, password: password, host: "127.0.0.1", clientID: 7, now: Self.now)
    }

    @Test func allowsTheRightPassword() async throws {
        guard case let .allow(grant) = await authorizer.decide(request()) else { Issue.record("denied"); return }
        #expect(grant.userName == "alice" && grant.userID == "id-alice")
        #expect(grant.permissions.publish.allow == ["app.alice.>"])
        #expect(grant.authMethod == .password)
        #expect(grant.lifetime == .seconds(3600))
    }

    @Test(arguments: [
        ("alice", "wrong", DecisionReason.wrongSecret),
        ("bob", "pw1", .unknownUser),
        ("alice", "", .noCredentials),
        (nil, nil, .noCredentials),
    ] as [(String?, String?, DecisionReason)])
    func deniesBadCredentials(_ user: String?, _ password: String?, _ reason: DecisionReason) async {
        let decision = await authorizer.decide(request(user: user, password: password))
        #expect(decision.reason == reason)
    }

    @Test func cacheSavesArgonButNeverServesAChangedUser() async {
        _ = await authorizer.decide(request())
        _ = await authorizer.decide(request())
        #expect(identities.verifications == 1)
        // Password change through SCIM: new hash, new version. The old password must fail at once.
        identities.update("alice") { $0.passwordHash = "test-hash:pw2" }
        #expect(await authorizer.decide(request()).reason == .wrongSecret)
        #expect(await authorizer.decide(request(password: "pw2")).reason == .allowed)
        // Deactivation: denied, even though pw2 is in the cache.
        identities.update("alice") { $0.active = false }
        #expect(await authorizer.decide(request(password: "pw2")).reason == .inactiveUser)
        // Deletion.
        identities.remove("alice")
        #expect(await authorizer.decide(request(password: "pw2")).reason == .unknownUser)
    }

    @Test func groupChangeAppliesToTheNextDecision() async throws {
        identities.update("alice") { $0.groups = [.init(displayName: "admins")] }
        guard case let .allow(grant) = await authorizer.decide(request()) else { Issue.record("denied"); return }
        #expect(grant.permissions.publish.allow == [">"])
        identities.update("alice") { $0.groups = [] }
        #expect(await authorizer.decide(request()).reason == .noBinding)
    }

    @Test func tokenLogin() async {
        identities.issueToken("tok-123", for: "alice")
        let ok = await authorizer.decide(ConnectRequest(token: "tok-123", now: Self.now))
        #expect(ok.reason == .allowed)
        // The grant keeps the token's hash (never the token) so revoking it can cut the session.
        guard case let .allow(grant) = ok else { Issue.record("denied"); return }
        #expect(grant.accessTokenHash == SecretToken.hash("tok-123"))
        guard case let .allow(byPassword) = await authorizer.decide(request()) else { Issue.record("denied"); return }
        #expect(byPassword.accessTokenHash == nil)
        let bad = await authorizer.decide(ConnectRequest(token: "tok-999", now: Self.now))
        #expect(bad.reason == .unknownUser)
    }

    @Test func nkeyLoginVerifiesTheNonceSignature() async throws {
        let key = try KeyPair.generate(.user)
        identities.update("alice") { $0.nkeys = [key.publicKey] }
        let nonce = "Xq3nU9Tg0kwqy1A"
        let signature = Data(key.signature(for: Array(nonce.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        func connect(nkey: String = key.publicKey, sig: String = signature, nonce: String = nonce) -> ConnectRequest {
            ConnectRequest(nkey: nkey, signature: sig, nonce: nonce, now: Self.now)
        }
        guard case let .allow(grant) = await authorizer.decide(connect()) else { Issue.record("denied"); return }
        #expect(grant.authMethod == .nkey && grant.userName == "alice")
        // A signature over another nonce (replay), a foreign key, a malformed key: all denied.
        #expect(await authorizer.decide(connect(nonce: "other-nonce")).reason == .wrongSecret)
        let stranger = try KeyPair.generate(.user)
        #expect(await authorizer.decide(connect(nkey: stranger.publicKey)).reason == .unknownUser)
        #expect(await authorizer.decide(connect(nkey: "UNOTAKEY")).reason == .wrongSecret)
        #expect(await authorizer.decide(connect(sig: "!!!")).reason == .wrongSecret)
    }

    @Test func perUserLifetimeCapsThePolicy() async {
        identities.update("alice") { $0.jwtLifetimeSeconds = 60 }
        guard case let .allow(grant) = await authorizer.decide(request()) else { Issue.record("denied"); return }
        #expect(grant.lifetime == .seconds(60))
    }

    @Test func anExpiringCredentialCapsTheJWTLifetime() async {
        identities.update("alice") { $0.credentialExpiresAt = Self.now.addingTimeInterval(600) }
        guard case let .allow(grant) = await authorizer.decide(request()) else { Issue.record("denied"); return }
        #expect(grant.lifetime == .seconds(600))
        identities.update("alice") { $0.credentialExpiresAt = Self.now.addingTimeInterval(0.2) }
        guard case let .allow(soon) = await authorizer.decide(request()) else { Issue.record("denied"); return }
        #expect(soon.lifetime == .seconds(1))
    }

    @Test func storeFailureIsADenial() async {
        let broken = Authorizer(identities: FailingIdentities(), policy: authorizer.policy)
        #expect(await broken.decide(request()).reason == .internalError)
    }

    /// Unknown, inactive and password-less users cost one (decoy) argon2id check, like a wrong
    /// password, so the time to a denial does not reveal whether the user exists.
    @Test func denialsWithoutARealCheckSpendADecoyCheck() async {
        identities.put(Identity(id: "id-ina", userName: "ina", active: false, passwordHash: "test-hash:pw1",
                                       groups: [.init(displayName: "developers")]))
        identities.put(Identity(id: "id-nopw", userName: "nopw", passwordHash: nil,
                                       groups: [.init(displayName: "developers")]))
        for (user, reason) in [("bob", DecisionReason.unknownUser), ("ina", .inactiveUser), ("nopw", .wrongSecret)] {
            let before = identities.verifications
            #expect(await authorizer.decide(request(user: user, password: "pw1")).reason == reason)
            #expect(identities.verifications == before + 1, "no decoy check for \(user)")
        }
    }

    @Test func aMatchingDecoyNeverAllows() async {
        let decision = await authorizer.decide(request(user: "bob", password: TestIdentities.decoySecret))
        #expect(decision.reason == .unknownUser)
    }

    @Test func requestDescriptionHasNoSecrets() {
        let text = "\(ConnectRequest(user: "alice", password: "hunter2", token: "tok-secret", now: Self.now))"
        #expect(!text.contains("hunter2") && !text.contains("tok-secret"))
    }
}
