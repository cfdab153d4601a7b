/// What to do with a user's password on update.
public enum PasswordUpdate: Sendable, Equatable {
    /// Keep the stored hash.
    case keep
    /// Store a new argon2id hash (computed by ``PasswordHasher`` before the write).
    case set(hash: String)
    /// Remove the password.
    case remove
}
