/// Why a connect was allowed or denied: the reason code of the decision log and metrics.
public enum DecisionReason: String, Sendable, Codable, CaseIterable {
    case allowed
    /// The request could not be opened, decoded or verified (and a signed denial could be sent).
    case badRequest = "bad_request"
    /// The same authorization request was seen before and has not expired: a captured request
    /// published again. No reply is sent.
    case replayedRequest = "replayed_request"
    /// Encryption is required but the request came in plaintext.
    case plaintextRefused = "plaintext_refused"
    /// No password, token or signed nonce in the connect options.
    case noCredentials = "no_credentials"
    /// No SCIM user has these credentials' name, token or key.
    case unknownUser = "unknown_user"
    /// The SCIM user is inactive.
    case inactiveUser = "inactive_user"
    /// The password, token or nonce signature does not match.
    case wrongSecret = "wrong_secret"
    /// The user is in no bound group and the policy has no default binding.
    case noBinding = "no_binding"
    /// The user's bindings name different accounts and the policy says deny.
    case accountConflict = "account_conflict"
    /// Bindings exist but none applies from the client's source address.
    case sourceNotAllowed = "source_not_allowed"
    /// Bindings exist but none applies at this time of day.
    case outsideTimeWindow = "outside_time_window"
    /// Bindings exist but none applies to this connection type.
    case connectionTypeNotAllowed = "connection_type_not_allowed"
    /// The policy granted an account outside `callout.allowed_accounts` (operator mode's
    /// allow-list of the accounts users may be placed in).
    case accountNotAllowed = "account_not_allowed"
    /// A deny subject could not be expanded (an attribute it uses is missing).
    case policyTemplate = "policy_template"
    /// A token login whose JWT is malformed, uses a refused algorithm, does not verify, names
    /// another audience or lacks the mapped claim.
    case tokenInvalid = "token_invalid"
    /// A token login whose JWT expired (or is older than the issuer's maximum token age).
    case tokenExpired = "token_expired"
    /// A token login whose JWT is not valid yet (`nbf` or `iat` in the future beyond the skew).
    case tokenNotYetValid = "token_not_yet_valid"
    /// A token login from an issuer that is not configured.
    case unknownIssuer = "unknown_issuer"
    /// A token login from an issuer whose keys could not be fetched: refused until they are.
    case issuerUnavailable = "issuer_unavailable"
    /// The decision could not finish well inside the server's auth timeout.
    case timeout
    /// Too many decisions in flight: shed instead of queueing without bound.
    case overloaded
    /// Too many failed password checks for the claimed user or from the client's source: refused
    /// before any argon2id work (docs/security.md, "Password throttling").
    case throttled
    /// Replication: this replica could not prove it is current with the stream within
    /// `replication.max_staleness`, so it does not decide (docs/high-availability.md).
    case replicaStale = "replica_stale"
    /// Storage or signing failed: fail closed.
    case internalError = "internal_error"
    /// Not a connect: live sessions of a changed user were cut.
    case sessionsCut = "sessions_cut"

    /// The reason as sent to nats-server (which logs it): credential failures are merged so the
    /// server log never tells whether a user exists.
    public var serverReason: String {
        switch self {
        case .unknownUser, .inactiveUser, .wrongSecret, .noCredentials: "invalid_credentials"
        default: rawValue
        }
    }
}
