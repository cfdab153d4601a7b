/// Allow and deny subject lists (nats-io/jwt `Permission`).
public struct Permission: Codable, Sendable, Equatable {
    /// Subjects allowed (empty: everything not denied, when `deny` is set; see nats docs).
    public var allow: [String]
    /// Subjects denied.
    public var deny: [String]

    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
    }

    /// The members of a permission, named once (see ``ClaimField``).
    @usableFromInline enum Field: Int, ClaimField {
        case allow, deny

        @usableFromInline var name: StaticString {
            switch self {
            case .allow: "allow"
            case .deny: "deny"
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        allow = try c.stringList(Field.allow.key)
        deny = try c.stringList(Field.deny.key)
    }

    public func encode(to encoder: any Encoder) throws { try encodeFields(to: encoder) }
}
