import Foundation
import IdentityStore
import OIDC

/// What a decision reads and checks against: the store, the policy, the credential cache and
/// the argon2id pool. It runs the ``DecisionMachine``'s `lookUp` and `checkPassword` actions.
///
/// It reads live state on every call (the credential cache only saves the argon2id work and is
/// keyed by the user's version), so a SCIM change decides the very next connect. Everything but
/// an argon2id check runs without waiting, so most connects (nkeys, tokens, cached passwords)
/// are decided on the thread that received them.
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
    /// The IdP issuers' keys for token logins (`oidc.issuers`); nil: no token logins.
    public let tokens: OIDCKeyStore?
    /// The fixed user name whose password is an IdP token (`oidc.password_user`).
    public let tokenPasswordUser: String?

    public init(identities: any IdentityReading, policy: PolicyStore, cache: CredentialCache = CredentialCache(),
                passwordChecks: PasswordCheckPool? = nil, passwordCheckTimeout: Duration = .seconds(1),
                maxLifetime: Duration? = nil, tokens: OIDCKeyStore? = nil, tokenPasswordUser: String? = nil) {
        self.tokens = tokens
        self.tokenPasswordUser = tokenPasswordUser
        self.identities = identities
        self.policy = policy
        self.cache = cache
        self.passwordChecks = passwordChecks
        self.passwordCheckTimeout = passwordCheckTimeout
        self.maxLifetime = maxLifetime
    }

    /// The argon2id wait for a decision budget: two thirds of it (1 s of the default 1.5 s), the
    /// rest left for the lookup, signing and the reply.
    public static func passwordCheckTimeout(within budget: Duration) -> Duration {
        budget * 2 / 3
    }

    /// The machine's rules for a handler with these settings.
    func rules(calloutPublicKey: String, handler configuration: AuthorizationHandler.Configuration) -> DecisionMachine.Rules {
        DecisionMachine.Rules(calloutPublicKey: calloutPublicKey, requireEncryption: configuration.requireEncryption,
                              decisionBudget: configuration.decisionBudget, maxLifetime: maxLifetime,
                              decoyPasswordHash: identities.decoyPasswordHash,
                              maxRequestLifetime: configuration.maxRequestLifetime, serverKeys: configuration.serverKeys,
                              allowedAccounts: configuration.allowedAccounts,
                              tokenLogins: tokens != nil, tokenPasswordUser: tokens == nil ? nil : tokenPasswordUser,
                              passwordCheckWait: passwordChecks == nil ? nil : passwordCheckTimeout)
    }

    /// Checks an IdP token against the keys known now (never waits).
    func verifyToken(_ token: String) -> TokenVerification {
        tokens?.verify(token) ?? .failed(TokenFailure(.unknownIssuer, "no OIDC issuer is configured"))
    }

    /// Checks an IdP token again after the (rate-limited) refetch its unknown `kid` allows.
    func verifyTokenAfterRefetch(_ token: String, issuer: String) async -> TokenVerification {
        await tokens?.verifyAfterRefetch(token, issuer: issuer) ?? .failed(TokenFailure(.unknownIssuer, "no OIDC issuer is configured"))
    }

    /// Runs a `lookUp` action: one store read as of `asOf`, fed to `machine` with the policy in
    /// force. Never throws: a storage failure is a denial (`internal_error`).
    func lookUp(_ key: CredentialKey, asOf: DispatchTime?, for machine: inout DecisionMachine,
                now: () -> Date) -> DecisionMachine.Action {
        do {
            let identity = try identities.identity(for: key, asOf: asOf)
            return machine.identityLoaded(identity, policy: policy.current, now: now())
        } catch {
            return machine.lookupFailed(error, now: now())
        }
    }

    /// True when `check` is for the user's own hash and this password was verified for this
    /// user at this version before: it matches without an argon2id run.
    func isRemembered(_ check: PasswordCheck) -> Bool {
        guard case let .verify(userID, version) = check.purpose else { return false }
        return cache.contains(userID: userID, version: version, password: check.password)
    }

    /// Runs `check` (on the pool when there is one) and remembers a match of the user's own hash.
    func checkPassword(_ check: PasswordCheck) async -> PasswordCheckPool.Outcome {
        let identities = self.identities
        let password = check.password, hash = check.hash
        let outcome: PasswordCheckPool.Outcome
        if let passwordChecks {
            outcome = await passwordChecks.check(timeout: passwordCheckTimeout) { identities.verifyPassword(password, hash: hash) }
        } else {
            outcome = identities.verifyPassword(password, hash: hash) ? .match : .mismatch
        }
        if outcome == .match, case let .verify(userID, version) = check.purpose {
            cache.insert(userID: userID, version: version, password: password)
        }
        return outcome
    }
}
