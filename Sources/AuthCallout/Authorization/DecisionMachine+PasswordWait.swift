import IdentityStore

extension DecisionMachine {
    /// What a pending argon2id check's outcome leads to.
    enum PasswordWait: Sendable {
        /// A decoy check: whatever it says, the answer is this denial.
        case decoy(AuthorizationDecision.Denial)
        /// The user's own hash: a match authenticates this identity.
        case verify(Identity)
    }
}
