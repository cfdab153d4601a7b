import IdentityStore
/// One argon2id check a decision waits for. Holds the presented password until the check runs;
/// neither its description nor its mirror shows it (or the stored hash).
public struct PasswordCheck: Sendable, CustomStringConvertible, CustomReflectable {
    /// Whose hash the password is checked against.
    public enum Purpose: Sendable, Equatable {
        /// The user's own hash: a match is remembered under its id and version.
        case verify(userID: String, version: Int64)
        /// A decoy hash, so this denial takes as long as a wrong password would.
        case decoy(DecisionReason)
    }

    let password: String
    let hash: String
    public let purpose: Purpose
    /// The claimed user name and the client's address, as the connect gave them.
    let claimedUser: String
    let host: String?

    /// Whom the check counts against (``PasswordThrottle``): the claimed user and the source.
    /// Made only when asked (a cache miss), so a remembered password never pays for it.
    public var throttleKey: PasswordThrottle.Key { PasswordThrottle.Key(user: claimedUser, host: host) }

    /// What `outcome` means for the throttle: only the user's own hash matching is a success; a
    /// decoy check is a failure whatever it says; no answer counts for nothing.
    public func throttleOutcome(_ outcome: PasswordCheckPool.Outcome) -> PasswordThrottle.Outcome {
        switch (purpose, outcome) {
        case (_, .overloaded), (_, .timedOut): .undecided
        case (.verify, .match): .success
        case (.verify, .mismatch), (.decoy, .match), (.decoy, .mismatch): .failure
        }
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["check": description], displayStyle: .struct)
    }

    public var description: String {
        switch purpose {
        case let .decoy(reason): "PasswordCheck(decoy for \(reason.rawValue))"
        case let .verify(userID, _): "PasswordCheck(user \(userID))"
        }
    }
}
