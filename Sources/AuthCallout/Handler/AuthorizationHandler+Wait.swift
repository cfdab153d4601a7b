extension AuthorizationHandler {
    /// What a waiting decision waits for.
    enum Wait: Sendable {
        /// One argon2id check.
        case password(PasswordCheck)
        /// A refetch of `issuer`'s keys (the token named an unknown `kid`), then `token` again.
        case keys(issuer: String, token: String)

        /// The kind only: both hold a secret.
        var kind: String {
            switch self {
            case .password: "password"
            case .keys: "keys"
            }
        }
    }
}
