/// What a connect presents to find its user by: the one key of an identity lookup.
public enum CredentialKey: Hashable, Sendable {
    /// The SCIM `userName`, matched caselessly.
    case userName(String)
    /// A registered public user nkey (`U…`).
    case nkey(String)
    /// The SHA-256 hash of an (unrevoked, unexpired) access token: the callout hashes a
    /// presented token once and keeps only the hash.
    case accessTokenHash([UInt8])
    /// The SCIM id.
    case id(String)
    /// The SCIM `externalId`, matched exactly; only when exactly one user has it.
    case externalID(String)
    /// An email address, matched caselessly; only when exactly one user has it.
    case email(String)
}
