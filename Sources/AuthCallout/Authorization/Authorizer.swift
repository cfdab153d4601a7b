import Foundation
import IdentityStore
import NKeys

/// The decision step: credentials → SCIM user → policy → permissions.
///
/// It reads live state on every call (the credential cache only saves the argon2id work and is
/// keyed by the user's version), so a SCIM change decides the very next connect. Everything but
/// an argon2id check runs without waiting (``begin(_:)``), so most connects (nkeys, tokens,
/// cached passwords) are decided on the thread that received them.
///
/// argon2id checks (credential-cache misses and decoys) run on `passwordChecks` when given, so
/// they never occupy the cooperative pool; a check that cannot start (pool full) or finish within
/// `passwordCheckTimeout` is a denial (`overloaded` / `timeout`), never an allow.
public struct Authorizer: Sendable {
    public let identities: any IdentityReading
    public let policy: PolicyStore
    public let cache: CredentialCache
    /// Where argon2id checks run; nil runs them inline on the calling task (tests, tools).
    public let passwordChecks: PasswordCheckPool?
    /// The longest a decision waits for one argon2id check (keep it under the handler's budget).
    public let passwordCheckTimeout: Duration
    /// The longest user JWT lifetime granted, whatever the policy says (`jwt.lifetime`).
    public let maxLifetime: Duration?

    public init(identities: any IdentityReading, policy: PolicyStore, cache: CredentialCache = CredentialCache(),
                passwordChecks: PasswordCheckPool? = nil, passwordCheckTimeout: Duration = .seconds(1),
                maxLifetime: Duration? = nil) {
        self.identities = identities
        self.policy = policy
        self.cache = cache
        self.passwordChecks = passwordChecks
        self.passwordCheckTimeout = passwordCheckTimeout
        self.maxLifetime = maxLifetime
    }

    /// Decides `request`, waiting for an argon2id check when one is needed. Never throws: a
    /// storage failure is a denial (`internal_error`).
    public func decide(_ request: ConnectRequest) async -> AuthorizationDecision {
        switch begin(request) {
        case let .decided(decision): decision
        case let .needsPasswordCheck(pending): await finish(pending)
        }
    }

    /// Decides `request` as far as it can without waiting: one store read, the credential
    /// cache, the policy. Only an argon2id check is left for ``finish(_:)``, so this part can run
    /// where waiting is not allowed (the NATS event loop).
    public func begin(_ request: ConnectRequest) -> DecisionStep {
        let method = request.authMethod
        // Hashed once: the lookup and the grant (for revocation) both use the hash, never the token.
        let tokenHash = method == .token ? request.token.map(SecretToken.hash) : nil
        do {
            switch try authenticate(request, method: method, tokenHash: tokenHash) {
            case let .authenticated(identity): return .decided(authorize(identity, request: request, tokenHash: tokenHash))
            case let .denied(denial): return .decided(.deny(denial))
            case let .needsPasswordCheck(pending): return .needsPasswordCheck(pending)
            }
        } catch {
            return .decided(.deny(.init(reason: .internalError, detail: "identity store: \(type(of: error))",
                                        userName: request.user, authMethod: method)))
        }
    }

    /// Runs the argon2id check `pending` waits for (on the pool when there is one) and decides.
    public func finish(_ pending: PendingPasswordCheck) async -> AuthorizationDecision {
        let outcome = await checkPassword(pending.password, hash: pending.hash)
        switch pending.purpose {
        case let .decoy(denial):
            return .deny(denial)
        case let .verify(identity):
            let request = pending.request
            func deny(_ reason: DecisionReason, _ detail: String) -> AuthorizationDecision {
                .deny(.init(reason: reason, detail: detail, userName: identity.userName, userID: identity.id, authMethod: .password))
            }
            switch outcome {
            case .match: break
            case .mismatch: return deny(.wrongSecret, "password does not match")
            case .overloaded: return deny(.overloaded, "too many password checks waiting")
            case .timedOut: return deny(.timeout, "the password check did not finish in time")
            }
            cache.insert(userID: identity.id, version: identity.version, password: pending.password)
            return authorize(identity, request: request, tokenHash: nil)
        }
    }

    /// The policy's answer for an authenticated identity.
    private func authorize(_ identity: CalloutIdentity, request: ConnectRequest, tokenHash: [UInt8]?) -> AuthorizationDecision {
        let method = request.authMethod
        let evaluation = policy.current.evaluate(identity.policySubject, context: request.connectContext)
        switch evaluation.result {
        case let .failure(denial):
            return .deny(.init(reason: DecisionReason(denial.reason), detail: denial.detail, userName: identity.userName,
                               userID: identity.id, authMethod: method))
        case let .success(permissions):
            var lifetime = permissions.lifetime
            if let maxLifetime { lifetime = min(lifetime, maxLifetime) }
            if let seconds = identity.jwtLifetimeSeconds, seconds > 0 { lifetime = min(lifetime, .seconds(seconds)) }
            if let expiry = identity.credentialExpiresAt {
                // At least a second: the store only returns tokens that have not expired yet.
                lifetime = min(lifetime, .seconds(max(1, Int64(expiry.timeIntervalSince(request.now).rounded(.down)))))
            }
            return .allow(.init(userName: identity.userName, userID: identity.id, permissions: permissions,
                                lifetime: lifetime, authMethod: method, fingerprint: IdentityFingerprint(identity),
                                groupIDs: Set(identity.groups.compactMap(\.id)),
                                accessTokenHash: tokenHash))
        }
    }

    private enum Authentication {
        case authenticated(CalloutIdentity)
        case denied(AuthorizationDecision.Denial)
        case needsPasswordCheck(PendingPasswordCheck)
    }

    private func authenticate(_ request: ConnectRequest, method: DecisionRecord.AuthMethod, tokenHash: [UInt8]?) throws
        -> Authentication
    {
        func denial(_ reason: DecisionReason, _ detail: String, _ identity: CalloutIdentity? = nil) -> AuthorizationDecision.Denial {
            .init(reason: reason, detail: detail, userName: identity?.userName ?? request.user, userID: identity?.id, authMethod: method)
        }
        func deny(_ reason: DecisionReason, _ detail: String, _ identity: CalloutIdentity? = nil) -> Authentication {
            .denied(denial(reason, detail, identity))
        }
        switch method {
        case .nkey:
            guard let nkey = request.nkey, let key = try? PublicKey(nkey, allowedTypes: [.user]) else {
                return deny(.wrongSecret, "connect nkey is not a valid user public key")
            }
            guard let identity = try identities.identity(nkey: key.encoded, arrival: request.arrival) else {
                return deny(.unknownUser, "no user has this nkey")
            }
            guard identity.active else { return deny(.inactiveUser, "user is inactive", identity) }
            // Clients send base64url or standard base64, padded or not; NKeys accepts each.
            guard let nonce = request.nonce, !nonce.isEmpty,
                  let signature = request.signature, signature.utf8.count <= 256,
                  key.isValidNonceSignature(signature, nonce: nonce)
            else {
                return deny(.wrongSecret, "nonce signature does not verify", identity)
            }
            return .authenticated(identity)
        case .password:
            guard let user = request.user, let password = request.password else { return deny(.noCredentials, "no password") }
            // Denials that need no real check still spend a decoy one, so the time to answer
            // never tells whether a user exists.
            func decoy(_ denied: AuthorizationDecision.Denial) -> Authentication {
                guard let hash = identities.decoyPasswordHash else { return .denied(denied) }
                return .needsPasswordCheck(PendingPasswordCheck(request: request, password: password, hash: hash, purpose: .decoy(denied)))
            }
            guard let identity = try identities.identity(userName: user, arrival: request.arrival) else {
                return decoy(denial(.unknownUser, "no such user"))
            }
            guard identity.active else { return decoy(denial(.inactiveUser, "user is inactive", identity)) }
            guard let hash = identity.passwordHash, !hash.isEmpty else {
                return decoy(denial(.wrongSecret, "user has no password", identity))
            }
            if cache.contains(userID: identity.id, version: identity.version, password: password) { return .authenticated(identity) }
            return .needsPasswordCheck(PendingPasswordCheck(request: request, password: password, hash: hash, purpose: .verify(identity)))
        case .token:
            guard let tokenHash else { return deny(.noCredentials, "no token") }
            guard let identity = try identities.identity(accessTokenHash: tokenHash, arrival: request.arrival) else {
                return deny(.unknownUser, "token is unknown, revoked or expired")
            }
            guard identity.active else { return deny(.inactiveUser, "user is inactive", identity) }
            return .authenticated(identity)
        case .none:
            return deny(.noCredentials, "no password, token or signed nonce in the connect")
        }
    }

    /// One argon2id check, on the pool when there is one.
    private func checkPassword(_ password: String, hash: String) async -> PasswordCheckPool.Outcome {
        let identities = self.identities
        guard let passwordChecks else { return identities.verifyPassword(password, hash: hash) ? .match : .mismatch }
        return await passwordChecks.check(timeout: passwordCheckTimeout) { identities.verifyPassword(password, hash: hash) }
    }
}
