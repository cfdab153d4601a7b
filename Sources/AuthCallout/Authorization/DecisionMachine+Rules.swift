import Foundation
import IdentityStore
import OIDC

extension DecisionMachine {
    /// What every decision of one handler is held to: made once, shared by all its decisions.
    public struct Rules: Sendable {
        /// The callout's issuer key: a request addressed to another issuer is refused.
        public var calloutPublicKey: String
        /// Refuse requests that arrive in plaintext.
        public var requireEncryption: Bool
        /// How long a decision may take from receipt (time spent queued counts).
        public var decisionBudget: Duration
        /// The longest user JWT lifetime granted, whatever the policy says (`jwt.lifetime`).
        public var maxLifetime: Duration?
        /// The hash a decoy check runs against (``IdentityReading/decoyPasswordHash``); nil
        /// answers denials that need no real check without one.
        public var decoyPasswordHash: String?
        /// The longest a request may be valid (`exp` − `iat`): nats-server sets `exp` to its auth
        /// timeout, so a longer one was not made for a connect now, and replays are remembered
        /// only this long.
        public var maxRequestLifetime: Duration
        /// The nats-server keys (`N…`) whose requests are decided; empty: any server key. Only
        /// these servers can then claim a client's address (which `source_cidrs` trusts).
        public var serverKeys: Set<String>
        /// The accounts (as the policy names them: public keys in operator mode) users may be
        /// placed in; empty: any account the policy grants. A grant into another is denied.
        public var allowedAccounts: Set<String>
        /// Token logins are configured (`oidc.issuers`): a JWT-shaped `auth_token` is one.
        public var tokenLogins: Bool = false
        /// The fixed user name whose password is an IdP token (`oidc.password_user`), for
        /// clients that cannot send a token.
        public var tokenPasswordUser: String?
        /// How long a decision waits for its argon2id check (a share of ``decisionBudget``), named
        /// in the `timeout` denial of a check that did not finish; nil when checks never time out.
        public var passwordCheckWait: Duration?

        /// How `connect` authenticates: its own method, or `oidc` for a token login.
        func method(of connect: ConnectRequest) -> DecisionRecord.AuthMethod {
            guard tokenLogins else { return connect.authMethod }
            switch connect.authMethod {
            case .password where tokenPasswordUser != nil && connect.user == tokenPasswordUser: return .oidc
            case .token where TokenVerifier.looksLikeJWT(connect.token ?? ""): return .oidc
            default: return connect.authMethod
            }
        }

        /// The IdP token a token login presents (as `auth_token`, or as the password user's password).
        func presentedToken(of connect: ConnectRequest) -> String? {
            connect.authMethod == .password ? connect.password : connect.token
        }

        public init(calloutPublicKey: String, requireEncryption: Bool = false, decisionBudget: Duration = .milliseconds(1500),
                    maxLifetime: Duration? = nil, decoyPasswordHash: String? = nil,
                    maxRequestLifetime: Duration = .seconds(60), serverKeys: Set<String> = [],
                    allowedAccounts: Set<String> = [],
                    tokenLogins: Bool = false, tokenPasswordUser: String? = nil, passwordCheckWait: Duration? = nil) {
            self.passwordCheckWait = passwordCheckWait
            self.tokenLogins = tokenLogins
            self.tokenPasswordUser = tokenPasswordUser
            self.calloutPublicKey = calloutPublicKey
            self.requireEncryption = requireEncryption
            self.decisionBudget = decisionBudget
            self.maxLifetime = maxLifetime
            self.decoyPasswordHash = decoyPasswordHash
            self.maxRequestLifetime = maxRequestLifetime
            self.serverKeys = serverKeys
            self.allowedAccounts = allowedAccounts
        }
    }
}
