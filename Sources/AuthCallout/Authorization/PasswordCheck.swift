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
