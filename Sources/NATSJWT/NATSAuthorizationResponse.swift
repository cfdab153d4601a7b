import JSON
import NKeys

/// The `nats` section of an auth callout response (nats-io/jwt `AuthorizationResponse`):
/// either a user JWT or an error.
public struct NATSAuthorizationResponse: NATSClaimsPayload {
    public static let claimType = "authorization_response"
    /// Responses are signed by the callout issuer account (or its signing key).
    public static let allowedIssuerTypes: Set<NKeyType> = [.account]

    /// The user JWT that admits the client.
    public var jwt: String?
    /// A reason for denial (the server logs it; the client sees only "Authorization Violation").
    public var error: String?
    /// Operator mode: the account when a signing key signed.
    public var issuerAccount: String?
    public var tags: [String]
    /// `nats.type` as decoded.
    public private(set) var type: String
    public var version: Int
    /// `nats` members not modelled here, preserved.
    public var unknownFields: [String: JSONValue]

    public init(jwt: String? = nil, error: String? = nil, issuerAccount: String? = nil, tags: [String] = []) {
        self.jwt = jwt
        self.error = error
        self.issuerAccount = issuerAccount
        self.tags = tags
        self.type = Self.claimType
        self.version = 2
        self.unknownFields = [:]
    }

    /// Every member of a response's `nats` section, named once (see ``ClaimField``).
    @usableFromInline enum Field: Int, ClaimField {
        case error, issuerAccount, jwt, tags, type, version

        @usableFromInline var name: StaticString {
            switch self {
            case .error: "error"
            case .issuerAccount: "issuer_account"
            case .jwt: "jwt"
            case .tags: "tags"
            case .type: "type"
            case .version: "version"
            }
        }
    }

    static let knownFields = Field.names

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        jwt = try c.decodeIfPresent(String.self, forKey: Field.jwt.key)
        error = try c.decodeIfPresent(String.self, forKey: Field.error.key)
        issuerAccount = try c.decodeIfPresent(String.self, forKey: Field.issuerAccount.key)
        (tags, type, version) = try c.genericFields()
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeFields(to: encoder, unknownFields: unknownFields, excluding: Self.knownFields)
    }
}
