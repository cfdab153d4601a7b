import Foundation

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

        public init(calloutPublicKey: String, requireEncryption: Bool = false, decisionBudget: Duration = .milliseconds(1500),
                    maxLifetime: Duration? = nil, decoyPasswordHash: String? = nil) {
            self.calloutPublicKey = calloutPublicKey
            self.requireEncryption = requireEncryption
            self.decisionBudget = decisionBudget
            self.maxLifetime = maxLifetime
            self.decoyPasswordHash = decoyPasswordHash
        }
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
