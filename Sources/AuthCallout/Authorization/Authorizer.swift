import Foundation
import IdentityStore
import NKeys

/// The decision step: credentials → SCIM user → policy → permissions.
///
/// It reads live state on every call (the credential cache only saves the argon2id work and is
/// keyed by the user's version), so a SCIM change decides the very next connect.
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

    public init(identities: any IdentityReading, policy: PolicyStore, cache: CredentialCache = CredentialCache(),
                passwordChecks: PasswordCheckPool? = nil, passwordCheckTimeout: Duration = .seconds(1)) {
        self.identities = identities
        self.policy = policy
        self.cache = cache
        self.passwordChecks = passwordChecks
        self.passwordCheckTimeout = passwordCheckTimeout
    }

    /// Decides `request`. Never throws: a storage failure is a denial (`internal_error`).
    public func decide(_ request: ConnectRequest) async -> AuthorizationDecision {
        let method = request.authMethod
        // Hashed once: the lookup and the grant (for revocation) both use the hash, never the token.
        let tokenHash = method == .token ? request.token.map(SecretToken.hash) : nil
        let identity: CalloutIdentity
        do {
            switch try await authenticate(request, method: method, tokenHash: tokenHash) {
            case let .success(found): identity = found
            case let .failure(denial): return .deny(denial)
            }
        } catch {
            return .deny(.init(reason: .internalError, detail: "identity store: \(type(of: error))",
                               userName: request.user, authMethod: method))
        }
        let evaluation = policy.current.evaluate(identity.policySubject, context: request.connectContext)
        switch evaluation.result {
        case let .failure(denial):
            return .deny(.init(reason: denial.reason, detail: denial.detail, userName: identity.userName,
                               userID: identity.id, authMethod: method))
        case let .success(permissions):
            var lifetime = permissions.lifetime
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

    private func authenticate(_ request: ConnectRequest, method: DecisionRecord.AuthMethod, tokenHash: [UInt8]?) async throws
        -> Result<CalloutIdentity, AuthorizationDecision.Denial>
    {
        func deny(_ reason: DecisionReason, _ detail: String, _ identity: CalloutIdentity? = nil) -> Result<CalloutIdentity, AuthorizationDecision.Denial> {
            .failure(.init(reason: reason, detail: detail, userName: identity?.userName ?? request.user,
                           userID: identity?.id, authMethod: method))
        }
        switch method {
        case .nkey:
            guard let nkey = request.nkey, let key = try? PublicKey(nkey, allowedTypes: [.user]) else {
                return deny(.wrongSecret, "connect nkey is not a valid user public key")
            }
            guard let identity = try await identities.identity(nkey: key.encoded) else {
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
            return .success(identity)
        case .password:
            guard let user = request.user, let password = request.password else { return deny(.noCredentials, "no password") }
            guard let identity = try await identities.identity(userName: user) else {
                await spendDecoyCheck(password)
                return deny(.unknownUser, "no such user")
            }
            guard identity.active else {
                await spendDecoyCheck(password)
                return deny(.inactiveUser, "user is inactive", identity)
            }
            guard let hash = identity.passwordHash, !hash.isEmpty else {
                await spendDecoyCheck(password)
                return deny(.wrongSecret, "user has no password", identity)
            }
            if cache.contains(userID: identity.id, version: identity.version, password: password) { return .success(identity) }
            switch await checkPassword(password, hash: hash) {
            case .match: break
            case .mismatch: return deny(.wrongSecret, "password does not match", identity)
            case .overloaded: return deny(.overloaded, "too many password checks waiting", identity)
            case .timedOut: return deny(.timeout, "the password check did not finish in time", identity)
            }
            cache.insert(userID: identity.id, version: identity.version, password: password)
            return .success(identity)
        case .token:
            guard let tokenHash else { return deny(.noCredentials, "no token") }
            guard let identity = try await identities.identity(accessTokenHash: tokenHash) else {
                return deny(.unknownUser, "token is unknown, revoked or expired")
            }
            guard identity.active else { return deny(.inactiveUser, "user is inactive", identity) }
            return .success(identity)
        case .none:
            return deny(.noCredentials, "no password, token or signed nonce in the connect")
        }
    }

    /// Spends one argon2id check on a decoy hash, so denials that need no real check take as
    /// long as a wrong password: the time to answer never tells whether a user exists.
    private func spendDecoyCheck(_ password: String) async {
        guard let decoy = identities.decoyPasswordHash else { return }
        _ = await checkPassword(password, hash: decoy)
    }

    /// One argon2id check, on the pool when there is one.
    private func checkPassword(_ password: String, hash: String) async -> PasswordCheckPool.Outcome {
        let identities = self.identities
        guard let passwordChecks else { return identities.verifyPassword(password, hash: hash) ? .match : .mismatch }
        return await passwordChecks.check(timeout: passwordCheckTimeout) { identities.verifyPassword(password, hash: hash) }
    }
}
