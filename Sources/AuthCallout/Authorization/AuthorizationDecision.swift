import IdentityStore
import Policy

/// The outcome of the decision step.
public enum AuthorizationDecision: Sendable, Equatable {
    /// The user may connect with these permissions.
    case allow(Grant)
    /// The connect is refused.
    case deny(Denial)

    public struct Grant: Sendable, Equatable {
        public var userName: String
        public var userID: String
        public var permissions: EffectivePermissions
        /// The user JWT lifetime: the policy's, capped by the user's own limit.
        public var lifetime: Duration
        public var authMethod: DecisionRecord.AuthMethod
        /// The identity state decided on (live revocation compares it with the current state).
        public var fingerprint: IdentityFingerprint
        public var groupIDs: Set<String>
        /// For token logins: the token's SHA-256 hash, so revoking the token can cut the session.
        public var accessTokenHash: [UInt8]? = nil
    }

    public struct Denial: Error, Sendable, Equatable {
        public var reason: DecisionReason
        /// For our log only: never sent to the client, never a secret.
        public var detail: String
        public var userName: String?
        public var userID: String?
        public var authMethod: DecisionRecord.AuthMethod

        public init(reason: DecisionReason, detail: String, userName: String? = nil, userID: String? = nil,
                    authMethod: DecisionRecord.AuthMethod = .none) {
            self.reason = reason
            self.detail = detail
            self.userName = userName
            self.userID = userID
            self.authMethod = authMethod
        }
    }

    public var reason: DecisionReason {
        switch self {
        case .allow: .allowed
        case let .deny(denial): denial.reason
        }
    }
}
