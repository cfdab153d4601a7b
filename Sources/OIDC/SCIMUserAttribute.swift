/// The SCIM user attribute a token claim is matched against.
public enum SCIMUserAttribute: String, Sendable, Hashable, CaseIterable, Codable {
    /// `userName`, matched caselessly (as for passwords).
    case userName
    /// `externalId`, matched exactly (Entra's `oid`).
    case externalId
    /// An email of exactly one user, matched caselessly.
    case email
}
