import JSON
import NKeys

/// The `nats` section of one kind of claims (user, account, authorization request, …).
public protocol NATSClaimsPayload: Codable, Sendable, Equatable {
    /// The value of `nats.type`, e.g. `"user"`.
    static var claimType: String { get }
    /// The key types that may issue (sign) these claims.
    static var allowedIssuerTypes: Set<NKeyType> { get }
    /// `nats.type`: `claimType` for claims made here, as read for decoded ones ("" when absent).
    var type: String { get }
}

/// A NATS JWT's claims: the standard fields of nats-io/jwt's `ClaimsData` plus the typed
/// `nats` section. Members this library does not model are kept in `unknownFields` and
/// written back on encode.
public struct JWTClaims<Payload: NATSClaimsPayload>: Codable, Sendable, Equatable {
    /// `jti`: set by `JWT.encode` to the hash nats-io/jwt computes.
    public var id: String?
    /// `iat` (Unix seconds): set by `JWT.encode`.
    public var issuedAt: Int64?
    /// `iss`: the signer's public key, set by `JWT.encode`.
    public var issuer: String?
    /// `name`: a display name (for users, the name nats-server logs and reports).
    public var name: String?
    /// `sub`: the public key (or identifier) these claims are about.
    public var subject: String
    /// `aud`: the intended audience (an account name, a server id, …).
    public var audience: String?
    /// `exp` (Unix seconds); nil means no expiry.
    public var expires: Int64?
    /// `nbf` (Unix seconds); nil means valid immediately.
    public var notBefore: Int64?
    /// The typed `nats` section.
    public var nats: Payload
    /// Top-level members that are not modelled, preserved verbatim.
    public var unknownFields: [String: JSONValue]

    /// Creates claims about `subject`; `JWT.encode` fills `iss`, `iat` and `jti`.
    public init(
        subject: String, name: String? = nil, audience: String? = nil,
        expires: Int64? = nil, notBefore: Int64? = nil, nats: Payload
    ) {
        self.subject = subject
        self.name = name
        self.audience = audience
        self.expires = expires
        self.notBefore = notBefore
        self.nats = nats
        self.unknownFields = [:]
    }

    static var knownFields: Set<String> { ["jti", "iat", "iss", "name", "sub", "aud", "exp", "nbf", "nats"] }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ClaimKey.self)
        id = try container.decodeIfPresent(String.self, forKey: "jti")
        issuedAt = try container.decodeIfPresent(Int64.self, forKey: "iat")
        issuer = try container.decodeIfPresent(String.self, forKey: "iss")
        name = try container.decodeIfPresent(String.self, forKey: "name")
        subject = try container.decodeIfPresent(String.self, forKey: "sub") ?? ""
        audience = try container.decodeIfPresent(String.self, forKey: "aud")
        expires = try container.decodeIfPresent(Int64.self, forKey: "exp")
        notBefore = try container.decodeIfPresent(Int64.self, forKey: "nbf")
        nats = try container.decode(Payload.self, forKey: "nats")
        unknownFields = try container.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ClaimKey.self)
        try container.encodeNonEmpty(id, forKey: "jti")
        try container.encodeIfPresent(issuedAt.flatMap { $0 == 0 ? nil : $0 }, forKey: "iat")
        try container.encodeNonEmpty(issuer, forKey: "iss")
        try container.encodeNonEmpty(name, forKey: "name")
        try container.encodeNonEmpty(subject, forKey: "sub")
        try container.encodeNonEmpty(audience, forKey: "aud")
        try container.encodeIfPresent(expires.flatMap { $0 == 0 ? nil : $0 }, forKey: "exp")
        try container.encodeIfPresent(notBefore.flatMap { $0 == 0 ? nil : $0 }, forKey: "nbf")
        try container.encode(nats, forKey: "nats")
        try container.encodeUnknownFields(unknownFields, excluding: Self.knownFields)
    }

    /// The `jti` nats-io/jwt would compute for these claims: base32 (no padding) of
    /// SHA-512/256 over the JSON of the standard claims only, with `jti` left out.
    public func computedID() -> String {
        var json = JSONWriter(dialect: .go, capacity: 256)
        json.beginObject()
        json.nonEmpty("aud", audience)
        json.nonZero("exp", expires)
        json.nonZero("iat", issuedAt)
        json.nonEmpty("iss", issuer)
        json.nonEmpty("name", name)
        json.nonZero("nbf", notBefore)
        json.nonEmpty("sub", subject)
        json.endObject()
        return Base32.encode(SHA512_256.hash(json.finished()))
    }
}

/// The claim types NATS uses, named as nats-io/jwt names them.
public typealias UserClaims = JWTClaims<NATSUser>
/// Claims of an authorization request (signed by the server).
public typealias AuthorizationRequestClaims = JWTClaims<NATSAuthorizationRequest>
/// Claims of an authorization response (signed by the callout issuer account).
public typealias AuthorizationResponseClaims = JWTClaims<NATSAuthorizationResponse>
/// Claims of an account (signed by the operator).
public typealias AccountClaims = JWTClaims<NATSAccount>
/// Claims of an operator (self-signed).
public typealias OperatorClaims = JWTClaims<NATSOperator>
