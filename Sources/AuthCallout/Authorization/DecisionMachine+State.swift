extension DecisionMachine {
    /// Where a decision is: `received` → `verified` (looking its user up) →
    /// `awaitingPasswordCheck` → `decided` (its reply being made) → `answered`.
    enum State: Sendable {
        /// The request bytes arrived; nothing is verified yet.
        case received(Facts)
        /// The request verified; its user is being looked up.
        case verified(Verified)
        /// One argon2id check has to finish first.
        case awaitingPasswordCheck(Verified, PasswordWait)
        /// A token names a `kid` its issuer's known keys lack: one (rate-limited) refetch first.
        case awaitingKeys(Verified)
        /// The answer is chosen and its reply (or none) is being made.
        case decided(Facts, Conclusion)
        /// Replied and recorded: nothing more happens.
        case answered
        /// Only while an event rewrites the state (avoids copying its payload).
        case modifying
    }
}
