import Policy
import Foundation
import IdentityStore
import NATSJWT
import NKeys
import OIDC

/// One connect decision as an explicit state machine: events in, actions out.
///
/// The shell (``AuthorizationHandler``) opens the box and verifies the request JWT, then feeds
/// the machine what happened: the request verified (or was rejected), the user loaded (or the
/// lookup failed), the password checked (or its check throttled), the decision shed, the reply
/// made. Each event returns the one ``Action`` to run next: look the user up, check a password,
/// reply (allow or deny), send nothing, record. The machine does no I/O and reads no clock (every event that needs the
/// time is given it), so it is tested with plain calls; the decision record is built once, from
/// the final state, when the reply is made.
///
/// Deadlines: the budget runs from receipt (queueing counts). A decision that has not started
/// by then, or has not finished by then, is a `timeout` denial.
public struct DecisionMachine: Sendable, CustomStringConvertible, CustomReflectable {
    /// The decision's id: in its record and in the error string a denial sends the server.
    public let id: String
    private let rules: Rules
    private var state: State

    /// A request that arrived at `receivedAt` (nil: now) and whose handling starts `now`.
    public init(rules: Rules, receivedAt: Date?, now: Date, id: String = DecisionRecord.makeID()) {
        self.id = id
        self.rules = rules
        let started = receivedAt ?? now
        let queued = receivedAt.map { max(0, Int64((now.timeIntervalSince($0) * 1_000_000).rounded())) }
        state = .received(Facts(id: id, started: started, queueMicroseconds: queued))
    }

    // MARK: Events

    /// The request could not be opened or verified. Answered with a signed `bad_request` denial
    /// when `unverified` says where one should go (a denial is always safe to send), else with
    /// nothing.
    public mutating func requestRejected(_ detail: String, unverified: AuthorizationRequestClaims?) -> Action {
        guard case let .received(facts) = state else { preconditionFailure("requestRejected in \(self)") }
        let denial = AuthorizationDecision.Denial(reason: .badRequest, detail: detail)
        let addressable = unverified.map { Self.isAddressable($0.nats) } ?? false
        return conclude(facts, .denied(denial), reply: addressable)
    }

    /// The request verified but was decided before and has not expired (``RequestReplayGuard``):
    /// refused without a reply, so a replay learns nothing.
    public mutating func requestReplayed(_ request: AuthorizationRequestClaims) -> Action {
        guard case var .received(facts) = state else { preconditionFailure("requestReplayed in \(self)") }
        facts.fill(from: request.nats)
        let denial = AuthorizationDecision.Denial(reason: .replayedRequest, detail: "request seen before (same server, client id and user nkey)")
        return conclude(facts, .denied(denial), reply: false)
    }

    /// The request verified, but the service refuses to decide it (a replica that is not
    /// current): a signed denial with `reason`, without looking at the credentials.
    public mutating func requestRefused(_ request: AuthorizationRequestClaims, reason: DecisionReason,
                                        detail: String) -> Action {
        guard case var .received(facts) = state else { preconditionFailure("requestRefused in \(self)") }
        facts.fill(from: request.nats)
        return conclude(facts, .denied(AuthorizationDecision.Denial(reason: reason, detail: detail)), reply: true)
    }

    /// The request JWT verified (signature, audience, expiry). Checks the envelope (issuer is the
    /// server, addressed to us, a user nkey to address, encrypted when required) and the
    /// deadline, then asks for the user the credentials name.
    /// - Parameters:
    ///   - encrypted: it arrived in an xkey box.
    ///   - arrival: when it was read from the socket (the store answers as of then).
    public mutating func requestVerified(_ request: AuthorizationRequestClaims, encrypted: Bool, now: Date,
                                         arrival: DispatchTime?) -> Action {
        guard case .received = state, case var .received(facts) = takeState() else {
            preconditionFailure("requestVerified in \(self)")
        }
        facts.fill(from: request.nats)
        func refuse(_ reason: DecisionReason, _ detail: String, reply: Bool = true) -> Action {
            conclude(facts, .denied(.init(reason: reason, detail: detail)), reply: reply)
        }
        guard request.issuer == request.nats.serverID.id else { return refuse(.badRequest, "request issuer is not the server id") }
        guard request.subject == rules.calloutPublicKey else { return refuse(.badRequest, "request is for another issuer") }
        if !rules.serverKeys.isEmpty, !rules.serverKeys.contains(request.nats.serverID.id) {
            return refuse(.badRequest, "request from a server key not in callout.server_keys", reply: false)
        }
        // An unbounded request could be replayed for ever; nats-server always sets exp.
        guard let expires = request.expires else { return refuse(.badRequest, "request has no exp") }
        let issued = request.issuedAt ?? Int64(now.timeIntervalSince1970)
        guard Double(expires - issued) <= rules.maxRequestLifetime.timeInterval else {
            return refuse(.badRequest, "request is valid for longer than callout.max_request_lifetime")
        }
        guard PublicKey.isValid(request.nats.userNKey, types: [.user]) else {
            return refuse(.badRequest, "user_nkey is not a user public key", reply: false)
        }
        if !encrypted, rules.requireEncryption {
            return refuse(.plaintextRefused, "encryption is required but the request was plaintext")
        }
        // The claimed name and method (unverified, as on every denial record, a shed one too).
        let connect = ConnectRequest(claims: request.nats, now: now, arrival: arrival)
        let method = rules.method(of: connect)
        facts.userName = connect.user
        facts.authMethod = method
        var deadline = facts.started.addingTimeInterval(rules.decisionBudget.timeInterval)
        if let expires = request.expires { deadline = min(deadline, Date(timeIntervalSince1970: TimeInterval(expires))) }
        guard now < deadline else {
            return conclude(facts, .denied(denial(facts, .timeout, "request waited past its deadline before a decision started")))
        }
        return credentialsPresented(Verified(facts: facts, connect: connect, deadline: deadline, method: method))
    }

    /// The lookup the last action asked for found `identity` (nil: nobody). Checks the
    /// credentials it can without argon2id and, once they hold, what `policy` grants.
    public mutating func identityLoaded(_ identity: Identity?, policy: Policy, now: Date) -> Action {
        guard case .verified = state, case let .verified(verified) = takeState() else {
            preconditionFailure("identityLoaded in \(self)")
        }
        let connect = verified.connect
        func deny(_ reason: DecisionReason, _ detail: String, _ identity: Identity? = nil) -> Action {
            decide(verified, .deny(denial(verified.facts, reason, detail, identity)), now: now)
        }
        switch verified.method {
        case .nkey:
            guard let identity else { return deny(.unknownUser, "no user has this nkey") }
            guard identity.active else { return deny(.inactiveUser, "user is inactive", identity) }
            // Clients send base64url or standard base64, padded or not; NKeys accepts each.
            guard let key = verified.nkey, let nonce = connect.nonce, !nonce.isEmpty,
                  let signature = connect.signature, signature.utf8.count <= 256,
                  key.isValidNonceSignature(signature, nonce: nonce)
            else { return deny(.wrongSecret, "nonce signature does not verify", identity) }
            return decide(verified, authorize(identity, verified, policy: policy), now: now)
        case .password:
            // Denials that need no real check still spend a decoy one, so the time to answer
            // never tells whether a user exists.
            guard let identity else { return decoy(verified, denial(verified.facts, .unknownUser, "no such user"), now: now) }
            guard identity.active else {
                return decoy(verified, denial(verified.facts, .inactiveUser, "user is inactive", identity), now: now)
            }
            guard let hash = identity.passwordHash, !hash.isEmpty, let password = connect.password else {
                return decoy(verified, denial(verified.facts, .wrongSecret, "user has no password", identity), now: now)
            }
            state = .awaitingPasswordCheck(verified, .verify(identity))
            return .checkPassword(PasswordCheck(password: password, hash: hash,
                                                purpose: .verify(userID: identity.id, version: identity.version),
                                                claimedUser: connect.user ?? "", host: connect.host))
        case .token:
            guard let identity else { return deny(.unknownUser, "token is unknown, revoked or expired") }
            guard identity.active else { return deny(.inactiveUser, "user is inactive", identity) }
            return decide(verified, authorize(identity, verified, policy: policy), now: now)
        case .oidc:
            guard let token = verified.token else { preconditionFailure("an oidc lookup follows a verified token") }
            guard let identity else {
                return deny(.unknownUser, "no SCIM user matches the token (\(token.mapping.description))")
            }
            guard identity.active else { return deny(.inactiveUser, "user is inactive", identity) }
            return decide(verified, authorize(identity, verified, policy: policy), now: now)
        case .none:
            preconditionFailure("a connect without credentials is never looked up")
        }
    }

    /// The token the last action asked to check was checked against the keys known then (or,
    /// after ``Action/refetchKeys(issuer:token:)``, after the refetch): verified, it asks for
    /// the SCIM user it names; an unknown `kid` asks for one refetch first; else a denial.
    public mutating func tokenChecked(_ verification: TokenVerification, now: Date) -> Action {
        var verified: Verified
        let refetched: Bool
        switch state {
        case let .verified(current): (verified, refetched) = (current, false)
        case let .awaitingKeys(current): (verified, refetched) = (current, true)
        default: preconditionFailure("tokenChecked in \(self)")
        }
        state = .modifying
        switch verification {
        case let .verified(token):
            verified.token = token
            verified.facts.noteToken(issuer: token.issuer, subject: token.subject, keyID: token.keyID)
            state = .verified(verified)
            return .lookUp(token.credentialKey)
        case let .unknownKey(issuer, keyID):
            verified.facts.noteToken(issuer: issuer, subject: nil, keyID: keyID)
            guard !refetched, let token = rules.presentedToken(of: verified.connect) else {
                return decide(verified, .deny(denial(verified.facts, .tokenInvalid, "no key of the issuer has this kid")), now: now)
            }
            state = .awaitingKeys(verified)
            return .refetchKeys(issuer: issuer, token: token)
        case let .failed(failure):
            verified.facts.noteToken(issuer: failure.issuer, subject: failure.subject, keyID: failure.keyID)
            return decide(verified, .deny(denial(verified.facts, DecisionReason(failure.code), failure.detail)), now: now)
        }
    }

    /// The lookup failed (a storage error): an `internal_error` denial.
    public mutating func lookupFailed(_ error: any Error, now: Date) -> Action {
        guard case let .verified(verified) = state else { preconditionFailure("lookupFailed in \(self)") }
        return decide(verified, .deny(denial(verified.facts, .internalError, "identity store: \(type(of: error))")), now: now)
    }

    /// The argon2id check the last action asked for finished with `outcome`.
    public mutating func passwordChecked(_ outcome: PasswordCheckPool.Outcome, policy: Policy, now: Date) -> Action {
        guard case .awaitingPasswordCheck = state, case let .awaitingPasswordCheck(verified, wait) = takeState() else {
            preconditionFailure("passwordChecked in \(self)")
        }
        switch wait {
        case let .decoy(denial):
            return decide(verified, .deny(denial), now: now)
        case let .verify(identity):
            func deny(_ reason: DecisionReason, _ detail: String) -> Action {
                decide(verified, .deny(denial(verified.facts, reason, detail, identity)), now: now)
            }
            switch outcome {
            case .match: return decide(verified, authorize(identity, verified, policy: policy), now: now)
            case .mismatch: return deny(.wrongSecret, "password does not match")
            case .overloaded: return deny(.overloaded, "too many password checks waiting")
            case .timedOut: return deny(.timeout, Self.checkTimedOut(within: rules.passwordCheckWait))
            }
        }
    }

    /// The decision waiting for its check is answered without it, with `reason`: shed
    /// (`overloaded`, no place to wait) or the service is shutting down.
    public mutating func abandoned(_ reason: DecisionReason, detail: String) -> Action {
        switch state {
        case let .awaitingPasswordCheck(verified, _), let .awaitingKeys(verified):
            return conclude(verified.facts, .denied(denial(verified.facts, reason, detail)))
        default:
            preconditionFailure("abandoned in \(self)")
        }
    }

    /// The check the decision waits for was refused by the ``PasswordThrottle`` before it ran:
    /// a `throttled` denial (no argon2id work is spent on it).
    /// - Parameters:
    ///   - scope: the limit that refused it (the claimed user's, or the client source's).
    ///   - retryAfter: when the limit would let a check through again, when known (for our log).
    public mutating func passwordCheckThrottled(_ scope: PasswordThrottle.Scope, retryAfter: Duration?) -> Action {
        guard case let .awaitingPasswordCheck(verified, _) = state else { preconditionFailure("passwordCheckThrottled in \(self)") }
        var detail = "too many failed or waiting password checks \(scope == .user ? "for this user name" : "from this source")"
        if let retryAfter { detail += "; retry in \(max(1, Int(retryAfter.timeInterval.rounded(.up)))) s" }
        return conclude(verified.facts, .denied(denial(verified.facts, .throttled, detail)))
    }

    /// The allow could not be signed (no key for its account, or signing failed): an
    /// `internal_error` denial is sent instead.
    public mutating func signingFailed(_ detail: String, now: Date) -> Action {
        guard case let .decided(facts, .allowed(grant)) = state else { preconditionFailure("signingFailed in \(self)") }
        return conclude(facts, .signingFailed(grant, detail: detail))
    }

    /// The reply was made (or, after ``Action/sendNothing``, skipped): the decision is recorded.
    /// - Parameter userJWT: for an allow, the user JWT it carries.
    public mutating func replied(userJWT: SignedUserJWT?, now: Date) -> Action {
        guard case .decided = state, case let .decided(facts, conclusion) = takeState() else {
            preconditionFailure("replied in \(self)")
        }
        state = .answered
        let latency = Int64((now.timeIntervalSince(facts.started) * 1_000_000).rounded())
        let record = DecisionRecord(facts, conclusion, userJWT: userJWT, latencyMicroseconds: latency)
        guard case let .allowed(grant) = conclusion, let userJWT, let serverID = facts.serverID else { return .record(record, nil) }
        let session = AllowedSession(serverID: serverID, clientID: facts.clientID, userID: grant.userID,
                                     userName: grant.userName, account: grant.permissions.account, expires: userJWT.expires,
                                     fingerprint: grant.fingerprint, groupIDs: grant.groupIDs,
                                     accessTokenHash: grant.accessTokenHash)
        return .record(record, session)
    }

    // MARK: Transitions

    /// The state moved out, `.modifying` left in its place: an event that rewrites the state
    /// takes its payload without copying it (each copy retains every string it holds).
    private mutating func takeState() -> State {
        var taken = State.modifying
        swap(&taken, &state)
        return taken
    }

    /// The credentials the connect presents: what to look up, or a denial needing no lookup.
    private mutating func credentialsPresented(_ verified: consuming Verified) -> Action {
        let connect = verified.connect
        switch verified.method {
        case .nkey:
            guard let nkey = connect.nkey, let key = try? PublicKey(nkey, allowedTypes: [.user]) else {
                return conclude(verified.facts, .denied(denial(verified.facts, .wrongSecret,
                                                               "connect nkey is not a valid user public key")))
            }
            verified.nkey = key
            state = .verified(verified)
            return .lookUp(.nkey(key.encoded))
        case .password:
            // `authMethod` is `.password` only with both a user and a password.
            state = .verified(verified)
            return .lookUp(.userName(connect.user ?? ""))
        case .token:
            // Hashed once: the lookup and the grant (for revocation) both use the hash, never the token.
            let hash = SecretToken.hash(connect.token ?? "")
            verified.tokenHash = hash
            state = .verified(verified)
            return .lookUp(.accessTokenHash(hash))
        case .oidc:
            guard let token = rules.presentedToken(of: connect) else { preconditionFailure("an oidc connect presents a token") }
            state = .verified(verified)
            return .verifyToken(token)
        case .none:
            return conclude(verified.facts, .denied(denial(verified.facts, .noCredentials,
                                                           "no password, token or signed nonce in the connect")))
        }
    }

    /// A denial that waits for a decoy check first (when there is a decoy hash).
    private mutating func decoy(_ verified: Verified, _ denial: AuthorizationDecision.Denial, now: Date) -> Action {
        guard let hash = rules.decoyPasswordHash, let password = verified.connect.password else {
            return decide(verified, .deny(denial), now: now)
        }
        state = .awaitingPasswordCheck(verified, .decoy(denial))
        // Keyed by the claimed name like a real check, so a refusal tells nothing about who exists.
        return .checkPassword(PasswordCheck(password: password, hash: hash, purpose: .decoy(denial.reason),
                                            claimedUser: verified.connect.user ?? "", host: verified.connect.host))
    }

    /// The decision is made: answered unless it came after the deadline.
    private mutating func decide(_ verified: Verified, _ decision: AuthorizationDecision, now: Date) -> Action {
        guard now <= verified.deadline else {
            // A check that timed out keeps its detail (which wait applied) when a stalled host
            // reports it after the deadline.
            let detail = if case let .deny(denial) = decision, denial.reason == .timeout { denial.detail }
                else { "decision finished after the deadline" }
            return conclude(verified.facts, .denied(denial(verified.facts, .timeout, detail)))
        }
        switch decision {
        case let .allow(grant): return conclude(verified.facts, .allowed(grant))
        case let .deny(denial): return conclude(verified.facts, .denied(denial))
        }
    }

    /// Moves to `decided` and asks for the reply (or for none).
    private mutating func conclude(_ facts: consuming Facts, _ conclusion: consuming Conclusion, reply: Bool = true) -> Action {
        state = .decided(facts, conclusion)
        guard reply else { return .sendNothing }
        switch conclusion {
        case let .allowed(grant): return .reply(.allow(grant))
        case let .denied(denial): return .reply(.deny(denial))
        case let .signingFailed(grant, detail):
            return .reply(.deny(.init(reason: .internalError, detail: detail, userName: grant.userName,
                                      userID: grant.userID, authMethod: grant.authMethod)))
        }
    }

    /// What the policy grants `identity` on this connect, within the lifetime caps.
    private func authorize(_ identity: Identity, _ verified: Verified, policy: Policy) -> AuthorizationDecision {
        let connect = verified.connect
        let method = verified.method
        // A token's groups claim (when the issuer names one) can only narrow the SCIM groups.
        var evaluated = identity
        if let narrowing = verified.token?.narrowing {
            evaluated.groups = identity.groups.filter { narrowing.contains($0.displayName) || $0.externalId.map(narrowing.contains) == true }
        }
        switch policy.evaluate(evaluated, context: connect.connectContext).result {
        case let .failure(denial):
            return .deny(.init(reason: DecisionReason(denial.reason), detail: denial.detail, userName: identity.userName,
                               userID: identity.id, authMethod: method))
        case let .success(permissions):
            // Defence in depth beside the AUTH account's allowed_accounts: a policy edit cannot
            // place users in an account the operator did not list.
            guard rules.allowedAccounts.isEmpty || rules.allowedAccounts.contains(permissions.account) else {
                return .deny(.init(reason: .accountNotAllowed,
                                   detail: "the policy grants account \(permissions.account), which is not in callout.allowed_accounts",
                                   userName: identity.userName, userID: identity.id, authMethod: method))
            }
            var lifetime = permissions.lifetime
            if let maxLifetime = rules.maxLifetime { lifetime = min(lifetime, maxLifetime) }
            if let seconds = identity.jwtLifetimeSeconds, seconds > 0 { lifetime = min(lifetime, .seconds(seconds)) }
            if let expiry = identity.credentialExpiresAt {
                // At least a second: the store only returns tokens that have not expired yet.
                lifetime = min(lifetime, .seconds(max(1, Int64(expiry.timeIntervalSince(connect.now).rounded(.down)))))
            }
            if let token = verified.token {
                // The NATS session never outlives the IdP token (the verifier refused an expired one).
                lifetime = min(lifetime, .seconds(max(1, Int64(token.expires.timeIntervalSince(connect.now).rounded(.down)))))
            }
            return .allow(.init(userName: identity.userName, userID: identity.id, permissions: permissions,
                                lifetime: lifetime, authMethod: method, fingerprint: IdentityFingerprint(identity),
                                groupIDs: Set(identity.groups.map(\.id)), accessTokenHash: verified.tokenHash))
        }
    }

    /// A denial naming the claimed user and method, or the user found.
    private func denial(_ facts: Facts, _ reason: DecisionReason, _ detail: String,
                        _ identity: Identity? = nil) -> AuthorizationDecision.Denial {
        .init(reason: reason, detail: detail, userName: identity?.userName ?? facts.userName, userID: identity?.id,
              authMethod: facts.authMethod)
    }

    /// A timed-out check's detail names the wait, so an operator sees which budget applied.
    private static func checkTimedOut(within wait: Duration?) -> String {
        guard let wait else { return "the password check did not finish in time" }
        return "the password check did not finish within \(Int(wait.timeInterval * 1000)) ms"
    }

    /// A denial can be addressed: to a user nkey, from a server.
    private static func isAddressable(_ request: NATSAuthorizationRequest) -> Bool {
        PublicKey.isValid(request.userNKey, types: [.user]) && !request.serverID.id.isEmpty
    }

    // MARK: Description

    /// The decision's id and state only: the state holds the password and the stored hash.
    public var description: String {
        let name = switch state {
        case .received: "received"
        case .verified: "verified"
        case .awaitingPasswordCheck: "awaitingPasswordCheck"
        case .awaitingKeys: "awaitingKeys"
        case .decided: "decided"
        case .answered: "answered"
        case .modifying: "modifying"
        }
        return "DecisionMachine(\(id), \(name))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["decision": description], displayStyle: .struct)
    }
}
