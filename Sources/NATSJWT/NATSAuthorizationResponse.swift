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

    static let knownFields: Set<String> = ["jwt", "error", "issuer_account", "tags", "type", "version"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        jwt = try c.decodeIfPresent(String.self, forKey: "jwt")
        error = try c.decodeIfPresent(String.self, forKey: "error")
        issuerAccount = try c.decodeIfPresent(String.self, forKey: "issuer_account")
        tags = try c.stringList("tags")
        type = try c.decodeIfPresent(String.self, forKey: "type") ?? ""
        version = try c.decodeIfPresent(Int.self, forKey: "version") ?? 0
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        try c.encodeNonEmpty(jwt, forKey: "jwt")
        try c.encodeNonEmpty(error, forKey: "error")
        try c.encodeNonEmpty(issuerAccount, forKey: "issuer_account")
        try c.encodeNonEmpty(tags, forKey: "tags")
        try c.encode(Self.claimType, forKey: "type")
        try c.encode(version, forKey: "version")
        try c.encodeUnknownFields(unknownFields, excluding: Self.knownFields)
    }
}
