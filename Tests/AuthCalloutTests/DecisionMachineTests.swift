import Policy
import Foundation
import IdentityStore
import NATSJWT
import NKeys
import Testing
@testable import AuthCallout

/// The decision machine alone, table-driven: no socket, no store, no JWT. Each row plays one
/// connect through the events a shell would feed (what the lookup found, what the password
/// check said, how much time passed) and checks the actions the machine asked for, in order,
/// and the record it built at the end.
@Suite("Decision machine: events in, actions out")
struct DecisionMachineTests {
    enum Method: String, Sendable, CaseIterable {
        case password, token, nkey
    }

    /// What the world does for one connect.
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var method: Method
        /// What the lookup returns (ignored when `lookupFails`).
        var found: Identity? = Fixture.alice
        var lookupFails = false
        /// What the argon2id check says (a cached password: an immediate match).
        var check: PasswordCheckPool.Outcome = .match
        /// Seconds the check takes.
        var checkTakes: TimeInterval = 0
        /// Seconds the request waited between receipt and the decision's start.
        var queued: TimeInterval = 0.002
        /// The nonce signature verifies (nkey rows).
        var signatureValid = true
        var actions: [String]
        var result: DecisionRecord.Result = .deny
        var reason: DecisionReason
        /// The user the record names by id (nil: none found, or found too late to say).
        var userID: String? = nil

        var testDescription: String { "\(method.rawValue): \(name)" }
    }

    enum Fixture {
        static let userKey = try! KeyPair.generate(.user)
        static let nonce = "kP3q1nU9Tg0kwqy1AZ"
        static let developers = GroupRef(id: "g-dev", displayName: "developers", externalId: nil)
        static let alice = Identity(id: "id-alice", userName: "alice", passwordHash: "hash:pw1", nkeys: [userKey.publicKey],
                                    version: 3, groups: [developers])
        static var inactive: Identity { var user = alice; user.active = false; return user }
        static var withoutPassword: Identity { var user = alice; user.passwordHash = nil; return user }
        static var ungrouped: Identity { var user = alice; user.groups = []; return user }
        static let policy = try! PolicyParser.parse("""
            account: APP
            bindings:
              - group: developers
                publish: ["app.{{userName}}.>"]
            """)
        static let now = Date(timeIntervalSince1970: 1_767_225_600 + 12 * 3600)
        static let rules = DecisionMachine.Rules(calloutPublicKey: VerifiedRequests.callout.publicKey,
                                                 decisionBudget: .milliseconds(1500), decoyPasswordHash: "decoy-hash")
    }

    static let rows: [Row] = {
        let lookUp: [Method: String] = [.password: "lookUp(userName alice)", .token: "lookUp(token)", .nkey: "lookUp(nkey)"]
        var rows: [Row] = []
        for method in Method.allCases {
            let look = lookUp[method] ?? ""
            let verify = method == .password ? ["checkPassword(user id-alice)"] : []
            rows.append(Row(name: "allow", method: method, actions: [look] + verify + ["reply(allow)", "record(allow allowed)"],
                            result: .allow, reason: .allowed, userID: "id-alice"))
            rows.append(Row(name: "policy deny", method: method, found: Fixture.ungrouped,
                            actions: [look] + verify + ["reply(deny no_binding)", "record(deny no_binding)"],
                            reason: .noBinding, userID: "id-alice"))
            rows.append(Row(name: "lookup failed", method: method, lookupFails: true,
                            actions: [look, "reply(deny internal_error)", "record(deny internal_error)"], reason: .internalError))
            rows.append(Row(name: "deadline passed before start", method: method, queued: 1.6,
                            actions: ["reply(deny timeout)", "record(deny timeout)"], reason: .timeout))
            if method == .password {
                // Denials that need no real check spend a decoy one.
                let decoy = ["checkPassword(decoy for %@)"]
                func decoyed(_ reason: DecisionReason) -> [String] {
                    [look] + decoy.map { $0.replacingOccurrences(of: "%@", with: reason.rawValue) }
                        + ["reply(deny \(reason.rawValue))", "record(deny \(reason.rawValue))"]
                }
                rows.append(Row(name: "unknown user, decoy check", method: method, found: nil, check: .mismatch,
                                actions: decoyed(.unknownUser), reason: .unknownUser))
                rows.append(Row(name: "unknown user, matching decoy", method: method, found: nil, check: .match,
                                actions: decoyed(.unknownUser), reason: .unknownUser))
                rows.append(Row(name: "inactive", method: method, found: Fixture.inactive, check: .mismatch,
                                actions: decoyed(.inactiveUser), reason: .inactiveUser, userID: "id-alice"))
                rows.append(Row(name: "no password", method: method, found: Fixture.withoutPassword, check: .mismatch,
                                actions: decoyed(.wrongSecret), reason: .wrongSecret, userID: "id-alice"))
                rows.append(Row(name: "cached password", method: method, check: .match, checkTakes: 0,
                                actions: [look] + verify + ["reply(allow)", "record(allow allowed)"],
                                result: .allow, reason: .allowed, userID: "id-alice"))
                for (name, outcome, reason) in [("wrong password", PasswordCheckPool.Outcome.mismatch, DecisionReason.wrongSecret),
                                                ("overloaded", .overloaded, .overloaded), ("check timed out", .timedOut, .timeout)] {
                    rows.append(Row(name: name, method: method, check: outcome,
                                    actions: [look] + verify + ["reply(deny \(reason.rawValue))", "record(deny \(reason.rawValue))"],
                                    reason: reason, userID: "id-alice"))
                }
                rows.append(Row(name: "deadline passed during the password check", method: method, checkTakes: 2,
                                actions: [look] + verify + ["reply(deny timeout)", "record(deny timeout)"], reason: .timeout))
            } else {
                rows.append(Row(name: "unknown user", method: method, found: nil,
                                actions: [look, "reply(deny unknown_user)", "record(deny unknown_user)"], reason: .unknownUser))
                rows.append(Row(name: "inactive", method: method, found: Fixture.inactive,
                                actions: [look, "reply(deny inactive_user)", "record(deny inactive_user)"],
                                reason: .inactiveUser, userID: "id-alice"))
            }
            if method == .nkey {
                rows.append(Row(name: "wrong signature", method: method, signatureValid: false,
                                actions: [look, "reply(deny wrong_secret)", "record(deny wrong_secret)"],
                                reason: .wrongSecret, userID: "id-alice"))
            }
        }
        return rows
    }()

    static func connect(_ row: Row) -> ConnectRequest {
        switch row.method {
        case .password:
            return ConnectRequest(user: "alice", password: "pw1", host: "10.0.0.7", clientID: 42, now: Fixture.now)
        case .token:
            return ConnectRequest(token: "tok-1", host: "10.0.0.7", clientID: 42, now: Fixture.now)
        case .nkey:
            let signed = row.signatureValid ? Fixture.nonce : "another nonce"
            let signature = Data(Fixture.userKey.signature(for: Array(signed.utf8))).base64EncodedString()
            return ConnectRequest(nkey: Fixture.userKey.publicKey, signature: signature, nonce: Fixture.nonce, host: "10.0.0.7",
                                  clientID: 42, now: Fixture.now)
        }
    }

    static func summary(_ action: DecisionMachine.Action) -> String {
        switch action {
        case let .lookUp(.userName(name)): "lookUp(userName \(name))"
        case .lookUp(.nkey): "lookUp(nkey)"
        case .lookUp(.accessTokenHash): "lookUp(token)"
        case .lookUp(.id): "lookUp(id)"
        case .lookUp(.externalID): "lookUp(externalId)"
        case .lookUp(.email): "lookUp(email)"
        case .verifyToken: "verifyToken"
        case let .refetchKeys(issuer, _): "refetchKeys(\(issuer))"
        case let .checkPassword(check): "checkPassword(\(check.description.dropFirst("PasswordCheck(".count))"
        case .reply(.allow): "reply(allow)"
        case let .reply(.deny(denial)): "reply(deny \(denial.reason.rawValue))"
        case .sendNothing: "sendNothing"
        case let .record(record, _): "record(\(record.result.rawValue) \(record.reason.rawValue))"
        }
    }

    struct Failure: Error {}

    /// Plays `row` through a machine as a shell would; returns the actions and what was recorded.
    static func play(_ row: Row) -> (actions: [String], record: DecisionRecord?, session: AllowedSession?) {
        var now = Fixture.now
        var machine = DecisionMachine(rules: Fixture.rules, receivedAt: now.addingTimeInterval(-row.queued), now: now,
                                      id: "decision-1")
        let claims = VerifiedRequests.claims(for: connect(row), expires: Int64(now.timeIntervalSince1970) + 60)
        var action = machine.requestVerified(claims, encrypted: true, now: now, arrival: nil)
        var actions: [String] = []
        for _ in 0 ..< 10 {
            actions.append(summary(action))
            switch action {
            case .lookUp:
                now += 0.001
                action = row.lookupFails ? machine.lookupFailed(Failure(), now: now)
                    : machine.identityLoaded(row.found, policy: Fixture.policy, now: now)
            case .checkPassword:
                now += row.checkTakes
                action = machine.passwordChecked(row.check, policy: Fixture.policy, now: now)
            case .verifyToken, .refetchKeys:
                return (actions, nil, nil)
            case .reply(.allow):
                now += 0.001
                action = machine.replied(userJWT: SignedUserJWT(id: "jti-1", expires: now + 3600), now: now)
            case .reply(.deny), .sendNothing:
                now += 0.001
                action = machine.replied(userJWT: nil, now: now)
            case let .record(record, session):
                return (actions, record, session)
            }
        }
        return (actions, nil, nil)
    }

    @Test(arguments: rows)
    func actionsAndRecord(_ row: Row) throws {
        let (actions, recorded, session) = Self.play(row)
        #expect(actions == row.actions)
        let record = try #require(recorded)
        #expect(record.id == "decision-1")
        #expect(record.result == row.result && record.reason == row.reason)
        #expect(record.userID == row.userID)
        #expect(record.userName == "alice" || (row.method != .password && row.userID == nil),
                "the record names the claimed user, or the one found")
        #expect(record.authMethod.rawValue == row.method.rawValue)
        #expect(record.time == Fixture.now.addingTimeInterval(-row.queued))
        #expect(record.queueMicroseconds == Int64((row.queued * 1_000_000).rounded()))
        #expect(record.latencyMicroseconds > record.queueMicroseconds ?? 0)
        #expect(record.clientHost == "10.0.0.7" && record.clientID == 42)
        #expect(record.serverID == VerifiedRequests.server.publicKey && record.serverName == "test-server")
        if row.result == .allow {
            #expect(record.account == "APP" && record.grantedBy == ["developers"])
            #expect(record.jwtID == "jti-1" && record.jwtExpires != nil && record.detail == nil)
            #expect(session?.userID == "id-alice" && session?.clientID == 42 && session?.groupIDs == ["g-dev"])
            #expect(session?.accessTokenHash == (row.method == .token ? SecretToken.hash("tok-1") : nil))
        } else {
            #expect(record.jwtID == nil && record.account == nil && record.grantedBy.isEmpty)
            #expect(record.detail?.isEmpty == false, "a denial says why, in our log")
            #expect(session == nil)
        }
    }

    /// The lifetime the grant carries: the policy's, capped by `maxLifetime`, the user's own
    /// limit and an expiring token.
    @Test func grantLifetimeIsCappedOnEveryPath() {
        var capped = Fixture.alice
        capped.credentialExpiresAt = Fixture.now.addingTimeInterval(0.2)
        for (identity, maxLifetime, expected) in [(Fixture.alice, nil, Duration.seconds(3600)), (Fixture.alice, .seconds(120), .seconds(120)),
                                                   (capped, nil, .seconds(1))] as [(Identity, Duration?, Duration)] {
            var rules = Fixture.rules
            rules.maxLifetime = maxLifetime
            var machine = DecisionMachine(rules: rules, receivedAt: nil, now: Fixture.now)
            let claims = VerifiedRequests.claims(for: ConnectRequest(token: "tok-1", now: Fixture.now))
            guard case .lookUp = machine.requestVerified(claims, encrypted: false, now: Fixture.now, arrival: nil),
                  case let .reply(.allow(grant)) = machine.identityLoaded(identity, policy: Fixture.policy, now: Fixture.now)
            else { Issue.record("not allowed"); continue }
            #expect(grant.lifetime == expected)
        }
    }

    /// A check that did not finish is a `timeout` denial naming the wait the handler allowed it
    /// (`callout.decision_budget` sets it), or, with no wait configured, only that it timed out;
    /// also when a stalled host reports the timeout after the decision's deadline (the 2 s case).
    @Test(arguments: [(Duration?.some(.milliseconds(1000)), "within 1000 ms"), (.some(.milliseconds(400) / 3), "within 133 ms"),
                      (nil, "did not finish in time")], [0.0, 2.0])
    func aTimedOutCheckNamesTheWait(_ wait: (Duration?, String), reportedAfter seconds: TimeInterval) throws {
        var rules = Fixture.rules
        rules.passwordCheckWait = wait.0
        var machine = DecisionMachine(rules: rules, receivedAt: nil, now: Fixture.now, id: "decision-4")
        let claims = VerifiedRequests.claims(for: ConnectRequest(user: "alice", password: "pw1", now: Fixture.now))
        _ = machine.requestVerified(claims, encrypted: false, now: Fixture.now, arrival: nil)
        _ = machine.identityLoaded(Fixture.alice, policy: Fixture.policy, now: Fixture.now)
        let reported = Fixture.now.addingTimeInterval(seconds)
        #expect(Self.summary(machine.passwordChecked(.timedOut, policy: Fixture.policy, now: reported)) == "reply(deny timeout)")
        guard case let .record(record, _) = machine.replied(userJWT: nil, now: reported) else {
            Issue.record("not recorded"); return
        }
        #expect(record.reason == .timeout)
        #expect(record.detail?.hasSuffix(wait.1) == true, "\(record.detail ?? "no detail")")
        let late = seconds > Fixture.rules.decisionBudget.timeInterval
        #expect(record.userID == (late ? nil : "id-alice"), "after the deadline the record names no user found")
    }

    /// A decision waiting for its check can be shed; it then never asks for the check's result.
    @Test func abandonedWhileWaitingIsADenialWithTheGivenReason() throws {
        var machine = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now, id: "decision-2")
        let claims = VerifiedRequests.claims(for: ConnectRequest(user: "alice", password: "pw1", now: Fixture.now))
        #expect(Self.summary(machine.requestVerified(claims, encrypted: false, now: Fixture.now, arrival: nil)) == "lookUp(userName alice)")
        #expect(Self.summary(machine.identityLoaded(Fixture.alice, policy: Fixture.policy, now: Fixture.now))
                == "checkPassword(user id-alice)")
        #expect(Self.summary(machine.abandoned(.overloaded, detail: "too many decisions in flight")) == "reply(deny overloaded)")
        guard case let .record(record, session) = machine.replied(userJWT: nil, now: Fixture.now) else {
            Issue.record("not recorded"); return
        }
        #expect(record.reason == .overloaded && record.detail == "too many decisions in flight")
        #expect(record.userName == "alice" && record.userID == nil && record.authMethod == .password)
        #expect(session == nil)
    }

    /// A check the throttle refuses is a `throttled` denial before any argon2id work, for a
    /// known user and an unknown one alike (its decoy check is refused the same way), keyed by
    /// the claimed name and the client's address.
    @Test func aThrottledCheckIsDeniedWithItsOwnReason() throws {
        let cases: [(Identity?, String, PasswordThrottle.Scope, String)] = [
            (Fixture.alice, "checkPassword(user id-alice)", .user, "for this user name"),
            (nil, "checkPassword(decoy for unknown_user)", .source, "from this source"),
        ]
        for (found, expectedCheck, scope, detail) in cases {
            var machine = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now, id: "decision-3")
            let claims = VerifiedRequests.claims(for: ConnectRequest(user: "Alice", password: "pw1", host: "10.0.0.7", now: Fixture.now))
            _ = machine.requestVerified(claims, encrypted: false, now: Fixture.now, arrival: nil)
            let action = machine.identityLoaded(found, policy: Fixture.policy, now: Fixture.now)
            #expect(Self.summary(action) == expectedCheck)
            guard case let .checkPassword(check) = action else { continue }
            #expect(check.throttleKey == PasswordThrottle.Key(user: "alice", host: "10.0.0.7"))
            #expect(Self.summary(machine.passwordCheckThrottled(scope, retryAfter: .milliseconds(2500))) == "reply(deny throttled)")
            guard case let .record(record, session) = machine.replied(userJWT: nil, now: Fixture.now) else {
                Issue.record("not recorded"); continue
            }
            #expect(record.result == .deny && record.reason == .throttled && session == nil)
            #expect(record.detail?.contains(detail) == true && record.detail?.contains("retry in 3 s") == true, "\(record)")
            #expect(record.userName == "Alice" && record.userID == nil, "a refusal names no account, so it tells nothing")
            #expect(DecisionReason.throttled.serverReason == "throttled")
        }
    }

    /// What a check's outcome means for the throttle: only the user's own hash matching succeeds.
    @Test func checkOutcomesCountForTheThrottle() {
        let verify = PasswordCheck(password: "pw", hash: "h", purpose: .verify(userID: "u", version: 1), claimedUser: "alice", host: nil)
        let decoy = PasswordCheck(password: "pw", hash: "h", purpose: .decoy(.unknownUser), claimedUser: "alice", host: nil)
        let table: [(PasswordCheck, PasswordCheckPool.Outcome, PasswordThrottle.Outcome)] = [
            (verify, .match, .success), (verify, .mismatch, .failure), (verify, .overloaded, .undecided),
            (verify, .timedOut, .undecided), (decoy, .match, .failure), (decoy, .mismatch, .failure),
            (decoy, .overloaded, .undecided), (decoy, .timedOut, .undecided),
        ]
        for (check, outcome, expected) in table {
            #expect(check.throttleOutcome(outcome) == expected, "\(check) \(outcome)")
        }
    }

    /// Requests that fail the envelope checks: a `bad_request` denial when it can be addressed,
    /// else nothing; a plaintext one when encryption is required; no credentials at all.
    @Test func envelopeFailuresAreDecidedBeforeAnyLookup() throws {
        let connect = ConnectRequest(user: "alice", password: "pw1", now: Fixture.now)
        var wrongIssuer = VerifiedRequests.claims(for: connect)
        wrongIssuer.issuer = try KeyPair.generate(.server).publicKey
        var otherCallout = VerifiedRequests.claims(for: connect)
        otherCallout.subject = try KeyPair.generate(.account).publicKey
        var noUserKey = VerifiedRequests.claims(for: connect)
        noUserKey.nats.userNKey = "not a key"
        var strict = Fixture.rules
        strict.requireEncryption = true
        let cases: [(DecisionMachine.Rules, AuthorizationRequestClaims, String)] = [
            (Fixture.rules, wrongIssuer, "reply(deny bad_request)"),
            (Fixture.rules, otherCallout, "reply(deny bad_request)"),
            (Fixture.rules, noUserKey, "sendNothing"),
            (strict, VerifiedRequests.claims(for: connect), "reply(deny plaintext_refused)"),
            (Fixture.rules, VerifiedRequests.claims(for: ConnectRequest(now: Fixture.now)), "reply(deny no_credentials)"),
        ]
        for (index, (rules, claims, expected)) in cases.enumerated() {
            var machine = DecisionMachine(rules: rules, receivedAt: nil, now: Fixture.now)
            #expect(Self.summary(machine.requestVerified(claims, encrypted: false, now: Fixture.now, arrival: nil)) == expected,
                    "case \(index)")
            guard case let .record(record, _) = machine.replied(userJWT: nil, now: Fixture.now) else {
                Issue.record("case \(index) not recorded"); continue
            }
            #expect(record.result == .deny && record.serverID == VerifiedRequests.server.publicKey, "case \(index)")
        }

        // Not even verified: no client facts from unverified claims; a reply only when addressable.
        var rejected = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now)
        #expect(Self.summary(rejected.requestRejected("request JWT rejected: expired", unverified: VerifiedRequests.claims(for: connect)))
                == "reply(deny bad_request)")
        guard case let .record(record, _) = rejected.replied(userJWT: nil, now: Fixture.now) else { Issue.record("not recorded"); return }
        #expect(record.reason == .badRequest && record.serverID == nil && record.userName == nil)
        var unopened = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now)
        #expect(Self.summary(unopened.requestRejected("cannot open the xkey box", unverified: nil)) == "sendNothing")
    }

    /// A request must be bounded in time and, when an allow-list is set, come from a listed
    /// server; a replay is refused without a reply.
    @Test func unboundedReplayedOrForeignRequestsAreRefused() throws {
        let connect = ConnectRequest(user: "alice", password: "pw1", now: Fixture.now)
        let issued = Int64(Fixture.now.timeIntervalSince1970)
        var noExpiry = VerifiedRequests.claims(for: connect)
        noExpiry.expires = nil
        let longLived = VerifiedRequests.claims(for: connect, expires: issued + 61)
        var listed = Fixture.rules
        listed.serverKeys = [try KeyPair.generate(.server).publicKey]
        let cases: [(DecisionMachine.Rules, AuthorizationRequestClaims, String, String)] = [
            (Fixture.rules, noExpiry, "reply(deny bad_request)", "request has no exp"),
            (Fixture.rules, longLived, "reply(deny bad_request)", "longer than callout.max_request_lifetime"),
            (listed, VerifiedRequests.claims(for: connect), "sendNothing", "not in callout.server_keys"),
        ]
        for (index, (rules, claims, expected, detail)) in cases.enumerated() {
            var machine = DecisionMachine(rules: rules, receivedAt: nil, now: Fixture.now)
            #expect(Self.summary(machine.requestVerified(claims, encrypted: true, now: Fixture.now, arrival: nil)) == expected,
                    "case \(index)")
            guard case let .record(record, _) = machine.replied(userJWT: nil, now: Fixture.now) else {
                Issue.record("case \(index) not recorded"); continue
            }
            #expect(record.reason == .badRequest && record.detail?.contains(detail) == true, "case \(index): \(record)")
        }

        // The limit itself is allowed, and a listed server is decided as usual.
        var atLimit = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now)
        #expect(Self.summary(atLimit.requestVerified(VerifiedRequests.claims(for: connect, expires: issued + 60), encrypted: true,
                                                     now: Fixture.now, arrival: nil)) == "lookUp(userName alice)")
        listed.serverKeys.insert(VerifiedRequests.server.publicKey)
        var fromListed = DecisionMachine(rules: listed, receivedAt: nil, now: Fixture.now)
        #expect(Self.summary(fromListed.requestVerified(VerifiedRequests.claims(for: connect), encrypted: true,
                                                        now: Fixture.now, arrival: nil)) == "lookUp(userName alice)")

        var replayed = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now)
        #expect(Self.summary(replayed.requestReplayed(VerifiedRequests.claims(for: connect))) == "sendNothing")
        guard case let .record(record, _) = replayed.replied(userJWT: nil, now: Fixture.now) else { Issue.record("not recorded"); return }
        #expect(record.result == .deny && record.reason == .replayedRequest)
        #expect(record.serverID == VerifiedRequests.server.publicKey && record.userName == "alice" && record.userID == nil)
    }

    /// An allow whose JWT cannot be signed is an `internal_error` denial that still names the grant.
    @Test func signingFailureDeniesAndKeepsTheGrantInTheRecord() throws {
        var machine = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now)
        let claims = VerifiedRequests.claims(for: ConnectRequest(token: "tok-1", now: Fixture.now))
        _ = machine.requestVerified(claims, encrypted: false, now: Fixture.now, arrival: nil)
        #expect(Self.summary(machine.identityLoaded(Fixture.alice, policy: Fixture.policy, now: Fixture.now)) == "reply(allow)")
        #expect(Self.summary(machine.signingFailed("no signing key for account 'APP'", now: Fixture.now)) == "reply(deny internal_error)")
        guard case let .record(record, session) = machine.replied(userJWT: nil, now: Fixture.now) else {
            Issue.record("not recorded"); return
        }
        #expect(record.result == .deny && record.reason == .internalError)
        #expect(record.account == "APP" && record.grantedBy == ["developers"] && record.userID == "id-alice")
        #expect(record.jwtID == nil && session == nil)
    }

    /// Neither the machine's description nor its mirror shows the password or the stored hash.
    @Test func aWaitingMachineShowsNoSecret() {
        var machine = DecisionMachine(rules: Fixture.rules, receivedAt: nil, now: Fixture.now)
        let claims = VerifiedRequests.claims(for: ConnectRequest(user: "alice", password: "correct horse", now: Fixture.now))
        _ = machine.requestVerified(claims, encrypted: false, now: Fixture.now, arrival: nil)
        _ = machine.identityLoaded(Fixture.alice, policy: Fixture.policy, now: Fixture.now)
        var dumped = ""
        dump(machine, to: &dumped)
        let text = dumped + "\(machine)" + String(reflecting: machine)
        let leaks = text.contains("correct horse") || text.contains("hash:pw1")
        #expect(!leaks)
        #expect(text.contains("awaitingPasswordCheck"))
    }
}
