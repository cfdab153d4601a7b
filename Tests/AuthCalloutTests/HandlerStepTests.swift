import Foundation
import IdentityStore
import Logging
import NATSJWT
import NKeys
import Testing
import TestSupport
@testable import AuthCallout

/// `AuthorizationHandler.start` answers what needs no argon2id check without waiting and hands
/// the rest over as a `WaitingDecision`; `resume` and `abandon` finish those.
@Suite("Authorization handler: start, resume, abandon")
struct HandlerStepTests {
    let issuer: KeyPair
    let serviceXKey: XKeyPair
    let server: FakeServer
    let userKey: KeyPair
    let time = ManualTime(Date(timeIntervalSince1970: 1_767_225_600 + 12 * 3600))
    let identities = TestIdentities()
    let authorizer: Authorizer
    static let nonce = "kP3q1nU9Tg0kwqy1AZ"

    init() throws {
        issuer = try KeyPair.generate(.account)
        serviceXKey = try XKeyPair.generate()
        server = try FakeServer()
        userKey = try KeyPair.generate(.user)
        let policy = try PolicyStore.parsing("""
            account: APP
            bindings:
              - group: developers
                publish: ["app.{{userName}}.>"]
                subscribe: ["_INBOX.>"]
            """)
        authorizer = Authorizer(identities: identities,
                                policy: policy)
        identities.put(Identity(id: "id-alice", userName: "alice", passwordHash: "test-hash:pw1", nkeys: [userKey.publicKey],
                                       groups: [.init(displayName: "developers", id: "g-dev")]))
        identities.issueToken("tok-alice", for: "alice")
    }

    func handler(xkey: Bool = false, budget: Duration = .milliseconds(1500)) -> AuthorizationHandler {
        let time = self.time
        return AuthorizationHandler(keys: CalloutKeys(mode: .config(issuer: issuer), xkey: xkey ? serviceXKey : nil),
                                    configuration: .init(decisionBudget: budget), now: { time.now }, authorizer: authorizer)
    }

    /// A signed request as nats-server sends it (the connecting client's nonce in client_info).
    func request(_ options: ConnectOptions, userNKey: String? = nil) throws -> (payload: [UInt8], userNKey: String) {
        let userNKey = try userNKey ?? KeyPair.generate(.user).publicKey
        let token = try server.request(issuer: issuer.publicKey, userNKey: userNKey, options: options, now: time.now,
                                       clientInfo: ClientInformation(host: "127.0.0.1", id: 42, kind: "Client", type: "nats",
                                                                     nonce: Self.nonce))
        return (Array(token.utf8), userNKey)
    }

    var nkeyOptions: ConnectOptions {
        let signature = Data(userKey.signature(for: Array(Self.nonce.utf8))).base64EncodedString()
        return ConnectOptions(nkey: userKey.publicKey, signedNonce: signature)
    }

    func verifiedResponse(_ reply: [UInt8]?, sourceLocation: SourceLocation = #_sourceLocation) throws -> AuthorizationResponseClaims {
        let bytes = try #require(reply, sourceLocation: sourceLocation)
        return try JWT.verify(String(decoding: bytes, as: UTF8.self), as: NATSAuthorizationResponse.self, now: time.now)
    }

    func answered(_ step: AuthorizationHandler.Progress, sourceLocation: SourceLocation = #_sourceLocation) -> AuthorizationHandler.Outcome? {
        guard case let .answered(outcome) = step else {
            Issue.record("expected .answered, the request was left waiting", sourceLocation: sourceLocation)
            return nil
        }
        return outcome
    }

    func waiting(_ step: AuthorizationHandler.Progress, sourceLocation: SourceLocation = #_sourceLocation) -> AuthorizationHandler.WaitingDecision? {
        guard case let .awaitingPasswordCheck(pending) = step else {
            Issue.record("expected .waiting, the request was answered at once", sourceLocation: sourceLocation)
            return nil
        }
        return pending
    }

    @Test(arguments: ["nkey", "token"])
    func nkeyAndTokenAreAnsweredWithoutWaiting(_ method: String) throws {
        let options = method == "nkey" ? nkeyOptions : ConnectOptions(authToken: "tok-alice")
        let (payload, userNKey) = try request(options)
        let outcome = try #require(answered(handler().start(payload: payload, serverXKey: nil)))
        #expect(outcome.record.result == .allow && outcome.record.reason == .allowed)
        #expect(outcome.record.authMethod.rawValue == method && outcome.record.userID == "id-alice")
        let response = try verifiedResponse(outcome.reply)
        #expect(response.subject == userNKey && response.audience == server.key.publicKey && response.nats.error == nil)
        let user = try JWT.verify(try #require(response.nats.jwt), as: NATSUser.self, now: time.now)
        #expect(user.subject == userNKey && user.name == "alice" && user.issuer == issuer.publicKey)
        #expect(user.nats.pub == Permission(allow: ["app.alice.>"]))
        #expect(outcome.record.jwtID == user.id)
        #expect(outcome.session?.userID == "id-alice" && outcome.session?.clientID == 42)
        #expect(identities.verifications == 0)
    }

    @Test func encryptedNKeyRequestIsAnsweredWithoutWaitingAndSealed() throws {
        let (token, _) = try request(nkeyOptions)
        let sealed = try server.xkey.seal(token, to: serviceXKey.publicKey)
        let outcome = try #require(answered(handler(xkey: true).start(payload: sealed, serverXKey: server.xkey.publicKey)))
        #expect(outcome.record.reason == .allowed)
        let opened = try server.xkey.open(try #require(outcome.reply), from: serviceXKey.publicKey)
        #expect(try verifiedResponse(opened).nats.jwt != nil)
    }

    @Test func aPasswordCacheMissWaitsAndResumeAllows() async throws {
        let handler = handler()
        let (payload, userNKey) = try request(ConnectOptions(username: "alice", password: "pw1"))
        let pending = try #require(waiting(handler.start(payload: payload, serverXKey: nil)))
        #expect(identities.verifications == 0, "start never runs the argon2id check")

        let outcome = await handler.resume(pending)
        #expect(identities.verifications == 1)
        #expect(outcome.record.result == .allow && outcome.record.authMethod == .password)
        #expect(outcome.record.clientID == 42 && outcome.record.serverID == server.key.publicKey, "the record keeps the request's facts")
        let response = try verifiedResponse(outcome.reply)
        #expect(response.subject == userNKey)
        let user = try JWT.verify(try #require(response.nats.jwt), as: NATSUser.self, now: time.now)
        #expect(user.name == "alice" && user.subject == userNKey)

        // Now cached: the same password is answered without waiting.
        let (again, _) = try request(ConnectOptions(username: "alice", password: "pw1"))
        let cached = try #require(answered(handler.start(payload: again, serverXKey: nil)))
        #expect(cached.record.reason == .allowed)
        #expect(identities.verifications == 1)
    }

    @Test func aWrongPasswordWaitsAndResumeDenies() async throws {
        let handler = handler()
        let (payload, _) = try request(ConnectOptions(username: "alice", password: "nope"))
        let pending = try #require(waiting(handler.start(payload: payload, serverXKey: nil)))
        let outcome = await handler.resume(pending)
        #expect(outcome.record.result == .deny && outcome.record.reason == .wrongSecret)
        let response = try verifiedResponse(outcome.reply)
        #expect(response.nats.jwt == nil && response.nats.error?.contains("invalid_credentials") == true)
        #expect(!"\(outcome.record)".contains("nope"))
    }

    @Test func abandonDeniesWithTheGivenReasonAndASignedReply() throws {
        let handler = handler()
        let (payload, userNKey) = try request(ConnectOptions(username: "alice", password: "pw1"))
        let pending = try #require(waiting(handler.start(payload: payload, serverXKey: nil)))
        let outcome = handler.abandon(pending, reason: .overloaded, detail: "the callout is shutting down")
        #expect(outcome.record.result == .deny && outcome.record.reason == .overloaded)
        #expect(outcome.record.detail == "the callout is shutting down")
        #expect(outcome.record.userName == "alice" && outcome.record.authMethod == .password)
        #expect(outcome.session == nil)
        let response = try verifiedResponse(outcome.reply)
        #expect(response.issuer == issuer.publicKey && response.subject == userNKey && response.audience == server.key.publicKey)
        #expect(response.nats.jwt == nil)
        #expect(response.nats.error == "scim-callout: overloaded (decision \(outcome.record.id))")
        #expect(identities.verifications == 0, "an abandoned decision never runs its check")
    }

    @Test func abandonSealsTheDenialForAnEncryptedRequest() throws {
        let (token, _) = try request(ConnectOptions(username: "alice", password: "pw1"))
        let sealed = try server.xkey.seal(token, to: serviceXKey.publicKey)
        let handler = handler(xkey: true)
        let pending = try #require(waiting(handler.start(payload: sealed, serverXKey: server.xkey.publicKey)))
        let outcome = handler.abandon(pending, reason: .timeout, detail: "test")
        let opened = try server.xkey.open(try #require(outcome.reply), from: serviceXKey.publicKey)
        #expect(try verifiedResponse(opened).nats.error?.contains("timeout") == true)
    }

    /// Time spent waiting for the check counts against the budget fixed at `start`.
    @Test func resumePastTheDeadlineIsATimeoutDenial() async throws {
        let handler = handler(budget: .milliseconds(500))
        let (payload, _) = try request(ConnectOptions(username: "alice", password: "pw1"))
        let pending = try #require(waiting(handler.start(payload: payload, serverXKey: nil)))
        time.advance(by: 1)
        let outcome = await handler.resume(pending)
        #expect(outcome.record.reason == .timeout && outcome.record.result == .deny)
        #expect(try verifiedResponse(outcome.reply).nats.error?.contains("timeout") == true)
    }

    @Test func shedAndBadRequestsAreAnsweredWithoutACheck() throws {
        let (payload, _) = try request(ConnectOptions(username: "alice", password: "pw1"))
        let shed = handler().abandon(try #require(waiting(handler().start(payload: payload, serverXKey: nil))),
                                     reason: .overloaded, detail: "too many decisions in flight")
        #expect(shed.record.reason == .overloaded)
        #expect(try verifiedResponse(shed.reply).nats.error?.contains("overloaded") == true)
        let garbage = try #require(answered(handler().start(payload: Array("not a jwt".utf8), serverXKey: nil)))
        #expect(garbage.record.reason == .badRequest && garbage.reply == nil)
        #expect(identities.verifications == 0)
    }
}
