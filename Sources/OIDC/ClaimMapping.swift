import IdentityStore

/// Which token claim names the SCIM user, and how it is matched.
///
/// Entra: `oid` → `externalId` (the object id the SCIM provisioning sends as `externalId`);
/// Okta: `sub` or `preferred_username` → `userName`; any: `email` → an email.
public struct ClaimMapping: Sendable, Hashable, Codable {
    /// The claim holding the value (a string).
    public var claim: String
    /// The SCIM attribute it is matched against.
    public var attribute: SCIMUserAttribute

    public init(claim: String, attribute: SCIMUserAttribute) {
        self.claim = claim
        self.attribute = attribute
    }

    /// The store lookup for a claim value.
    public func credentialKey(for value: String) -> CredentialKey {
        switch attribute {
        case .userName: .userName(value)
        case .externalId: .externalID(value)
        case .email: .email(value)
        }
    }

    /// `claim → attribute`, as `policy explain` and the docs show it.
    public var description: String { "\(claim) → \(attribute.rawValue)" }
}
