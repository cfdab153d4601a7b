import JSON
import NKeys

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

    static var knownFields: Set<String> { JWTClaimField.names }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ClaimKey.self)
        id = try container.decodeIfPresent(String.self, forKey: JWTClaimField.id.key)
        issuedAt = try container.decodeIfPresent(Int64.self, forKey: JWTClaimField.issuedAt.key)
        issuer = try container.decodeIfPresent(String.self, forKey: JWTClaimField.issuer.key)
        name = try container.decodeIfPresent(String.self, forKey: JWTClaimField.name.key)
        subject = try container.decodeIfPresent(String.self, forKey: JWTClaimField.subject.key) ?? ""
        audience = try container.decodeIfPresent(String.self, forKey: JWTClaimField.audience.key)
        expires = try container.decodeIfPresent(Int64.self, forKey: JWTClaimField.expires.key)
        notBefore = try container.decodeIfPresent(Int64.self, forKey: JWTClaimField.notBefore.key)
        nats = try container.decode(Payload.self, forKey: JWTClaimField.nats.key)
        unknownFields = try container.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeFields(to: encoder, unknownFields: unknownFields, excluding: Self.knownFields)
    }

    /// Every modelled member, for both encoders; empty ones left out as Go's `omitempty` does.
    @usableFromInline func writeFields<Writer: ClaimFieldWriter>(to writer: inout Writer) throws(Writer.Failure) {
        try JWTClaimField.forEach { field throws(Writer.Failure) in
            switch field {
            case .audience: try writer.nonEmpty(field, audience)
            case .expires: try writer.nonZero(field, expires)
            case .issuedAt: try writer.nonZero(field, issuedAt)
            case .issuer: try writer.nonEmpty(field, issuer)
            case .id: try writer.nonEmpty(field, id)
            case .name: try writer.nonEmpty(field, name)
            case .nats: try writer.payload(field, nats)
            case .notBefore: try writer.nonZero(field, notBefore)
            case .subject: try writer.nonEmpty(field, subject)
            }
        }
    }

    /// The `jti` nats-io/jwt would compute for these claims: base32 (no padding) of
    /// SHA-512/256 over the JSON of the standard claims only, with `jti` left out (Go's
    /// escaping; its struct order is name order for the members hashed).
    public func computedID() -> String {
        var json = JSONWriter(dialect: .go, capacity: 256)
        json.beginObject()
        JWTClaimField.forEach { field in
            switch field {
            case .audience: json.nonEmpty(field, audience)
            case .expires: json.nonZero(field, expires)
            case .issuedAt: json.nonZero(field, issuedAt)
            case .issuer: json.nonEmpty(field, issuer)
            case .name: json.nonEmpty(field, name)
            case .notBefore: json.nonZero(field, notBefore)
            case .subject: json.nonEmpty(field, subject)
            case .id, .nats: break
            }
        }
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

/// Written field by field, like every claim object, so the fast path and `encode(to:)` agree.
extension JWTClaims: ClaimObject {}
