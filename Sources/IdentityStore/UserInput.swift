/// The values of a user the store indexes, plus its SCIM JSON.
///
/// The SCIM layer extracts these from a validated resource; the store never parses SCIM.
public struct UserInput: Sendable, Equatable, Codable {
    public var userName: String
    public var externalId: String?
    public var displayName: String?
    public var active: Bool
    /// `emails[].value` (stored caseless for filters).
    public var emails: [String]
    /// nkey public keys the user may connect with (unique store-wide).
    public var nkeys: [String]
    /// NATS tags from the extension schema (used by the callout's policy).
    public var tags: [String]
    /// A per-user JWT lifetime from the extension schema.
    public var jwtLifetimeSeconds: Int?
    /// The resource JSON (an object) without `id`, `meta`, `password` and `groups`.
    public var resource: String

    public init(
        userName: String, externalId: String? = nil, displayName: String? = nil, active: Bool = true,
        emails: [String] = [], nkeys: [String] = [], tags: [String] = [], jwtLifetimeSeconds: Int? = nil,
        resource: String
    ) {
        self.userName = userName
        self.externalId = externalId
        self.displayName = displayName
        self.active = active
        self.emails = emails
        self.nkeys = nkeys
        self.tags = tags
        self.jwtLifetimeSeconds = jwtLifetimeSeconds
        self.resource = resource
    }
}
