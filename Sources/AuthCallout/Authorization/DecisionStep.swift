/// How far ``Authorizer/begin(_:)`` got without waiting.
public enum DecisionStep: Sendable {
    /// Decided from the store and the credential cache alone.
    case decided(AuthorizationDecision)
    /// One argon2id check has to run first (a credential-cache miss, or a decoy check that keeps
    /// a denial as slow as a wrong password); ``Authorizer/finish(_:)`` runs it and decides.
    case needsPasswordCheck(PendingPasswordCheck)
}

/// A decision waiting for one argon2id check. Holds the presented password until the check
/// runs; neither its description nor its mirror shows it (or the stored hash).
public struct PendingPasswordCheck: Sendable, CustomStringConvertible, CustomReflectable {
    /// What the check's outcome leads to.
    enum Purpose: Sendable {
        /// A decoy check: whatever it says, the answer is this denial.
        case decoy(AuthorizationDecision.Denial)
        /// The user's own hash: a match authenticates `identity`.
        case verify(CalloutIdentity)
    }

    let request: ConnectRequest
    let password: String
    let hash: String
    let purpose: Purpose

    public var customMirror: Mirror {
        Mirror(self, children: ["request": request, "check": description], displayStyle: .struct)
    }

    public var description: String {
        switch purpose {
        case .decoy(let denial): "PendingPasswordCheck(decoy for \(denial.reason.rawValue))"
        case .verify(let identity): "PendingPasswordCheck(user \(identity.id))"
        }
    }
}
