import Foundation
import IdentityStore
import NATSJWT
import NKeys
import Testing
@testable import AuthCallout

/// The verified authorization request that carries a `ConnectRequest`: what the handler hands
/// the machine once the JWT checks out, without a JWT.
enum VerifiedRequests {
    static let server = try! KeyPair.generate(.server)
    static let callout = try! KeyPair.generate(.account)
    static let userNKey = try! KeyPair.generate(.user).publicKey

    /// A request as nats-server makes it: issued now, expiring after its 2 s auth timeout unless
    /// `expires` says otherwise.
    static func claims(for connect: ConnectRequest, expires: Int64? = nil) -> AuthorizationRequestClaims {
        let clientInfo = ClientInformation(host: connect.host, id: connect.clientID, name: connect.name, kind: connect.kind,
                                           type: connect.type, nonce: connect.nonce)
        let options = ConnectOptions(nkey: connect.nkey, signedNonce: connect.signature, authToken: connect.token,
                                     username: connect.user, password: connect.password, lang: connect.lang,
                                     version: connect.version)
        var claims = AuthorizationRequestClaims(
            subject: callout.publicKey, audience: "nats-authorization-request",
            expires: expires ?? Int64(connect.now.timeIntervalSince1970) + 2,
            nats: NATSAuthorizationRequest(serverID: ServerID(name: "test-server", host: "127.0.0.1", id: server.publicKey),
                                           userNKey: userNKey, clientInfo: clientInfo, connectOptions: options))
        claims.issuer = server.publicKey
        claims.issuedAt = Int64(connect.now.timeIntervalSince1970)
        return claims
    }
}

/// How far a decision got without waiting, as the handler runs it (lookups and cache hits).
enum MachineStep {
    case decided(AuthorizationDecision)
    case needsPasswordCheck(PendingCheck)
}

/// A machine waiting for its argon2id check.
struct PendingCheck {
    var machine: DecisionMachine
    let check: PasswordCheck
    let now: Date
}

/// Drives the real ``DecisionMachine`` with an ``Authorizer`` running its lookups and checks, as
/// the handler does, minus the JWTs: for tests about the decision alone.
extension Authorizer {
    func begin(_ request: ConnectRequest) -> MachineStep {
        let rules = rules(calloutPublicKey: VerifiedRequests.callout.publicKey,
                          handler: .init(requireEncryption: false, decisionBudget: .seconds(3600)))
        var machine = DecisionMachine(rules: rules, receivedAt: nil, now: request.now)
        let action = machine.requestVerified(VerifiedRequests.claims(for: request), encrypted: false, now: request.now,
                                             arrival: request.arrival)
        return run(action, &machine, now: request.now, arrival: request.arrival)
    }

    func finish(_ pending: PendingCheck) async -> AuthorizationDecision {
        var machine = pending.machine
        let outcome = await checkPassword(pending.check)
        let action = machine.passwordChecked(outcome, policy: policy.current, now: pending.now)
        guard case let .decided(decision) = run(action, &machine, now: pending.now, arrival: nil) else {
            Issue.record("a second password check was asked for")
            return .deny(.init(reason: .internalError, detail: "test driver"))
        }
        return decision
    }

    func decide(_ request: ConnectRequest) async -> AuthorizationDecision {
        switch begin(request) {
        case let .decided(decision): decision
        case let .needsPasswordCheck(pending): await finish(pending)
        }
    }

    private func run(_ action: DecisionMachine.Action, _ machine: inout DecisionMachine, now: Date,
                     arrival: DispatchTime?) -> MachineStep {
        var action = action
        while true {
            switch action {
            case let .lookUp(key):
                action = lookUp(key, asOf: arrival, for: &machine, now: { now })
            case let .checkPassword(check):
                guard isRemembered(check) else { return .needsPasswordCheck(PendingCheck(machine: machine, check: check, now: now)) }
                action = machine.passwordChecked(.match, policy: policy.current, now: now)
            case let .verifyToken(token):
                action = machine.tokenChecked(verifyToken(token), now: now)
            case .refetchKeys:
                Issue.record("the test driver has no issuer to refetch from")
                return .decided(.deny(.init(reason: .internalError, detail: "test driver")))
            case let .reply(decision):
                return .decided(decision)
            case .sendNothing, .record:
                Issue.record("a verified request is answered with a reply first: \(action)")
                return .decided(.deny(.init(reason: .internalError, detail: "test driver")))
            }
        }
    }
}

extension GroupRef {
    /// A membership for tests; the id defaults to one made from the name.
    init(displayName: String, externalId: String? = nil, id: String? = nil) {
        self.init(id: id ?? "group-\(displayName)", displayName: displayName, externalId: externalId)
    }
}
