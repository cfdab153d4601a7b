import Foundation
import IdentityStore
import Logging
import NATSJWT
import NKeys
import Testing
import TestSupport
@testable import AuthCallout

/// Plays nats-server: makes signed (optionally sealed) requests and opens/validates replies.
struct FakeServer {
    let key: KeyPair
    let xkey: XKeyPair
    init() throws {
        key = try KeyPair.generate(.server)
        xkey = try XKeyPair.generate()
    }

    func request(issuer: String, userNKey: String, options: ConnectOptions, now: Date, expiresIn: TimeInterval = 2,
                 audience: String = "nats-authorization-request", claimedServerID: String? = nil,
                 clientInfo: ClientInformation = ClientInformation(host: "127.0.0.1", id: 42, kind: "Client", type: "nats")) throws -> String {
        let server = ServerID(name: "test-server", host: "127.0.0.1", id: claimedServerID ?? key.publicKey, version: "2.15.1")
        let claims = AuthorizationRequestClaims(
            subject: issuer, audience: audience, expires: Int64(now.timeIntervalSince1970 + expiresIn),
            nats: NATSAuthorizationRequest(serverID: server, userNKey: userNKey, clientInfo: clientInfo, connectOptions: options))
        return try JWT.encode(claims, signedBy: key, issuedAt: now)
    }
}

/// Identities whose every lookup takes `seconds` of the test's clock (a slow store).
struct SlowIdentities: IdentityReading {
    let base: TestIdentities
    let time: ManualTime
    let seconds: TimeInterval
    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? {
        time.advance(by: seconds)
        return try base.identity(for: key, asOf: asOf)
    }
    func verifyPassword(_ password: String, hash: String) -> Bool { base.verifyPassword(password, hash: hash) }
    var decoyPasswordHash: String? { base.decoyPasswordHash }
}

@Suite("Authorization handler: open, verify, decide, sign, seal")
struct AuthorizationHandlerTests {
    let issuer: KeyPair
    let serviceXKey: XKeyPair
    let server: FakeServer
    let time = ManualTime(Date(timeIntervalSince1970: 1_767_225_600 + 12 * 3600))
    let identities = TestIdentities()
    let authorizer: Authorizer

    init() throws {
        issuer = try KeyPair.generate(.account)
        serviceXKey = try XKeyPair.generate()
        server = try FakeServer()
        let policy = try PolicyStore.parsing("""
            account: APP
            bindings:
              - group: developers
                publish: ["app.{{userName}}.>"]
                subscribe: ["_INBOX.>"]
                responses: { max: 1, ttl: 5s }
            """)
        authorizer = Authorizer(identities: identities, policy: policy)
        identities.put(Identity(id: "id-alice", userName: "alice", passwordHash: "test-hash:pw1",
                                       groups: [.init(displayName: "developers", id: "g-dev")]))
    }

    func handler(xkey: Bool = false, requireEncryption: Bool = false, budget: Duration = .milliseconds(1500),
                 authorizer: Authorizer? = nil) -> AuthorizationHandler {
        let time = self.time
        return AuthorizationHandler(
            keys: CalloutKeys(mode: .config(issuer: issuer), xkey: xkey ? serviceXKey : nil),
            configuration: .init(requireEncryption: requireEncryption, decisionBudget: budget),
            now: { time.now }, authorizer: authorizer ?? self.authorizer)
    }

    /// A handler whose store lookups take `seconds` of the test's clock.
    func slowHandler(budget: Duration = .milliseconds(1500), seconds: TimeInterval) -> AuthorizationHandler {
        handler(budget: budget, authorizer: Authorizer(identities: SlowIdentities(base: identities, time: time, seconds: seconds),
                                                       policy: authorizer.policy))
    }

    func response(_ reply: [UInt8]?) throws -> AuthorizationResponseClaims {
        let bytes = try #require(reply)
        return try JWT.verify(String(decoding: bytes, as: UTF8.self), as: NATSAuthorizationResponse.self, now: time.now)
    }

    @Test func allowsWithASignedUserJWT() async throws {
        let userNKey = try KeyPair.generate(.user).publicKey
        let token = try server.request(issuer: issuer.publicKey, userNKey: userNKey,
                                       options: ConnectOptions(username: "alice", password: "pw1", lang: "python3", version: "2.16.0"), now: time.now)
        let outcome = await handler().handle(payload: Array(token.utf8), serverXKey: nil)
        let response = try response(outcome.reply)
        #expect(response.issuer == issuer.publicKey)
        #expect(response.subject == userNKey)
        #expect(response.audience == server.key.publicKey)
        #expect(response.nats.error == nil)
        let user = try JWT.verify(try #require(response.nats.jwt), as: NATSUser.self, now: time.now)
        #expect(user.issuer == issuer.publicKey)
        #expect(user.subject == userNKey)
        #expect(user.name == "alice")
        #expect(user.audience == "APP")
        #expect(user.expires == Int64(time.now.timeIntervalSince1970) + 3600)
        #expect(user.nats.pub == Permission(allow: ["app.alice.>"]))
        #expect(user.nats.sub == Permission(allow: ["_INBOX.>"]))
        #expect(user.nats.resp == NATSJWT.ResponsePermission(maxMessages: 1, expires: .seconds(5)))
        #expect(user.nats.issuerAccount == nil)
        #expect(user.nats.subs == -1 && user.nats.data == -1 && user.nats.payload == -1)

        let record = outcome.record
        #expect(record.result == .allow && record.reason == .allowed)
        #expect(record.userName == "alice" && record.userID == "id-alice")
        #expect(record.grantedBy == ["developers"] && record.account == "APP")
        #expect(record.clientHost == "127.0.0.1" && record.clientID == 42 && record.clientLang == "python3")
        #expect(record.serverID == server.key.publicKey && record.serverName == "test-server")
        #expect(record.jwtID == user.id)
        #expect(outcome.session?.clientID == 42 && outcome.session?.groupIDs == ["g-dev"])
    }

    @Test func deniesWithoutSayingWhy() async throws {
        let userNKey = try KeyPair.generate(.user).publicKey
        for (user, password, reason) in [("alice", "nope", DecisionReason.wrongSecret), ("mallory", "pw1", .unknownUser)] {
            let token = try server.request(issuer: issuer.publicKey, userNKey: userNKey,
                                           options: ConnectOptions(username: user, password: password), now: time.now)
            let outcome = await handler().handle(payload: Array(token.utf8), serverXKey: nil)
            let response = try response(outcome.reply)
            #expect(response.nats.jwt == nil)
            // The server log sees one merged reason (never whether the user exists) and our decision id.
            #expect(response.nats.error == "scim-callout: invalid_credentials (decision \(outcome.record.id))")
            #expect(outcome.record.reason == reason && outcome.record.result == .deny)
            // No secret anywhere in what we log.
            #expect(!"\(outcome.record)".contains(password))
        }
    }

    @Test func encryptedBothWays() async throws {
        let userNKey = try KeyPair.generate(.user).publicKey
        let token = try server.request(issuer: issuer.publicKey, userNKey: userNKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        let sealed = try server.xkey.seal(Array(token.utf8), to: serviceXKey.publicKey)
        let outcome = await handler(xkey: true, requireEncryption: true)
            .handle(payload: sealed, serverXKey: server.xkey.publicKey)
        let reply = try #require(outcome.reply)
        #expect(!reply.starts(with: Array("eyJ".utf8)))
        let opened = try server.xkey.open(reply, from: serviceXKey.publicKey)
        let response = try JWT.verify(String(decoding: opened, as: UTF8.self), as: NATSAuthorizationResponse.self, now: time.now)
        #expect(response.nats.jwt != nil)
        #expect(outcome.record.reason == .allowed)
    }

    @Test func plaintextIsRefusedWhenEncryptionIsRequired() async throws {
        let token = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        let outcome = await handler(xkey: true, requireEncryption: true).handle(payload: Array(token.utf8), serverXKey: nil)
        #expect(try response(outcome.reply).nats.error?.contains("plaintext_refused") == true)
        #expect(outcome.record.reason == .plaintextRefused)
    }

    @Test func untrustworthyRequestsGetNoReply() async throws {
        let token = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        // Encrypted, but we have no xkey; garbage box; garbage JWT; empty payload.
        let sealed = try server.xkey.seal(Array(token.utf8), to: serviceXKey.publicKey)
        let cases: [([UInt8], String?)] = [
            (sealed, server.xkey.publicKey), (Array("xkv1garbage".utf8), server.xkey.publicKey),
            (Array("not a jwt".utf8), nil), ([], nil), (Array("eyJ.eyJ.AAA".utf8), nil),
        ]
        for (index, (payload, header)) in cases.enumerated() {
            let outcome = await handler(xkey: index > 0).handle(payload: payload, serverXKey: header)
            #expect(outcome.reply == nil, "case \(index)")
            #expect(outcome.record.result == .deny && outcome.record.reason == .badRequest)
        }
        // A wrong server xkey header: the box does not open.
        let other = try XKeyPair.generate()
        let outcome = await handler(xkey: true).handle(payload: sealed, serverXKey: other.publicKey)
        #expect(outcome.reply == nil)
    }

    @Test func invalidRequestsAreDenied() async throws {
        let userNKey = try KeyPair.generate(.user).publicKey
        let options = ConnectOptions(username: "alice", password: "pw1")
        let requests = [
            try server.request(issuer: issuer.publicKey, userNKey: userNKey, options: options, now: time.now.addingTimeInterval(-60)), // expired
            try server.request(issuer: issuer.publicKey, userNKey: userNKey, options: options, now: time.now, audience: "other"),
            try server.request(issuer: issuer.publicKey, userNKey: userNKey, options: options, now: time.now,
                               claimedServerID: try KeyPair.generate(.server).publicKey), // iss != server_id.id
            try server.request(issuer: try KeyPair.generate(.account).publicKey, userNKey: userNKey, options: options, now: time.now),
        ]
        for (index, token) in requests.enumerated() {
            let outcome = await handler().handle(payload: Array(token.utf8), serverXKey: nil)
            #expect(outcome.record.reason == .badRequest, "case \(index)")
            #expect(outcome.record.result == .deny)
            if let reply = outcome.reply {
                let response = try JWT.decode(String(decoding: reply, as: UTF8.self), as: NATSAuthorizationResponse.self)
                #expect(response.nats.jwt == nil && response.nats.error?.contains("bad_request") == true)
            }
        }
    }

    @Test func slowDecisionIsATimeoutDenial() async throws {
        let slow = slowHandler(budget: .milliseconds(500), seconds: 1)
        let token = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        let outcome = await slow.handle(payload: Array(token.utf8), serverXKey: nil)
        #expect(outcome.record.reason == .timeout)
        #expect(try response(outcome.reply).nats.error?.contains("timeout") == true)
        // Queued past the deadline: no decision is even started.
        let late = await handler().handle(payload: Array(token.utf8), serverXKey: nil, receivedAt: time.now.addingTimeInterval(-1.6))
        #expect(late.record.reason == .timeout)
        #expect(late.record.queueMicroseconds == 1_600_000)
    }

    /// The wait between receipt and the decision's start is recorded apart from the whole latency,
    /// so a queued request can be told from a slow decision.
    @Test func queueWaitIsRecordedApartFromTheDecision() async throws {
        let slow = slowHandler(seconds: 0.003)
        let token = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        let queued = await slow.handle(payload: Array(token.utf8), serverXKey: nil, receivedAt: time.now.addingTimeInterval(-0.002))
        #expect(queued.record.queueMicroseconds == 2_000)
        #expect(queued.record.latencyMicroseconds == 5_000)
        // Nothing known about the receipt: nothing recorded. (A new connect: the handler refuses
        // a request it has decided before.)
        let another = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                         options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        let unknown = await slow.handle(payload: Array(another.utf8), serverXKey: nil)
        #expect(unknown.record.queueMicroseconds == nil)
        #expect(unknown.record.latencyMicroseconds == 3_000)
    }

    @Test func shedRequestsAreOverloadedDenials() async throws {
        let token = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        // As the service sheds a decision that would wait with no place left.
        guard case let .awaitingPasswordCheck(pending) = handler().start(payload: Array(token.utf8), serverXKey: nil) else {
            Issue.record("a password cache miss waits")
            return
        }
        let outcome = handler().abandon(pending, reason: .overloaded, detail: "too many decisions in flight")
        #expect(outcome.record.reason == .overloaded)
        #expect(outcome.record.userName == "alice" && outcome.record.authMethod == .password, "the log says who was shed")
        #expect(try response(outcome.reply).nats.error?.contains("overloaded") == true)
    }

    @Test func aReplicaThatIsNotCurrentRefusesWithoutDeciding() async throws {
        // alice has the right password: only the refusal stands between her and an allow.
        let token = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        guard case let .answered(outcome) = handler().start(
            payload: Array(token.utf8), serverXKey: nil,
            refusal: (.replicaStale, "this replica could not prove it is current with the replication stream")) else {
            Issue.record("a refused request is answered at once, without a password check")
            return
        }
        #expect(outcome.record.result == .deny && outcome.record.reason == .replicaStale)
        #expect(outcome.record.userName == "alice" && outcome.session == nil)
        #expect(try response(outcome.reply).nats.error?.contains("replica_stale") == true)
    }

    @Test func operatorModeSignsWithTheTargetAccountsSigningKey() async throws {
        let calloutAccount = try KeyPair.generate(.account)
        let appAccount = try KeyPair.generate(.account)
        let appSigningKey = try KeyPair.generate(.account)
        let keys = CalloutKeys(mode: .operator(
            callout: try AccountSigner(accountKey: calloutAccount),
            accounts: ["APP": try AccountSigner(account: appAccount.publicKey, signer: appSigningKey)]))
        let time = self.time
        let handler = AuthorizationHandler(keys: keys, now: { time.now }, authorizer: authorizer)
        let userNKey = try KeyPair.generate(.user).publicKey
        let token = try server.request(issuer: calloutAccount.publicKey, userNKey: userNKey,
                                       options: ConnectOptions(username: "alice", password: "pw1"), now: time.now)
        let response = try response(await handler.handle(payload: Array(token.utf8), serverXKey: nil).reply)
        #expect(response.issuer == calloutAccount.publicKey && response.nats.issuerAccount == nil)
        let user = try JWT.verify(try #require(response.nats.jwt), as: NATSUser.self, now: time.now)
        #expect(user.issuer == appSigningKey.publicKey)
        #expect(user.nats.issuerAccount == appAccount.publicKey)
    }

    @Test func signersMustBeAccountKeys() throws {
        let user = try KeyPair.generate(.user)
        #expect(throws: CalloutConfigurationError.self) { try AccountSigner(accountKey: user) }
    }
}
